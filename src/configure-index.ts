/** Entry of the configure sub-action (configure/action.yml runs.main). */
import { run } from './configure.ts';
import { guarded } from './last-defence.ts';

await guarded('main', run);
