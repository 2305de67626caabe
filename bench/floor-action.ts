/**
 * The toolkit's floor for scenario 3: the least an `@actions/core` action does (read an input,
 * set an output), bundled as dist/ is bundled. What start-up costs beyond this is the action's own.
 */
import * as core from '@actions/core';

core.setOutput('value', core.getInput('secrets'));
