/** Entry of the main step (action.yml runs.main). */
import { guarded } from './last-defence.ts';
import { run } from './main.ts';

await guarded('main', run);
// Done: an op that never exited must not hold the step open (the runner ends the processes
// left at the end of the job). Exit once what was printed has been flushed.
process.stdout.write('', () => process.exit());
