/** Entry of the post step (action.yml runs.post). */
import { guarded } from './last-defence.ts';
import { run } from './post.ts';

await guarded('post', run);
