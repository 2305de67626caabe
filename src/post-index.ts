/** Entry of the post step (action.yml runs.post). */
import { run } from './post.ts';

await run();
