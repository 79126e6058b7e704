// Run now, pause and resume: asks for the token when needed (again when the service refuses it) and says what
// happened in a toast. Resolves with the service's answer, or undefined when nothing was done.
import { api, ApiError, jobPath } from './api.js';
import { askToken, forgetToken } from './token.js';
import { toast } from './toast.js';

const OUTCOME_WORDS = {
  started: ['ok', 'started'],
  queued: ['info', 'queued behind the running copy'],
  collapsed: ['info', 'already waiting to run: joined that run'],
  ignored: ['warn', 'not run'],
};

/** action: 'run' | 'pause' | 'resume'. */
export async function jobAction(name, action) {
  let reason;
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = await askToken(reason);
    if (!token) return undefined;
    try {
      const answer = await api(`${jobPath(name)}/${action}`, {
        method: 'POST',
        token,
        body: action === 'run' ? { args: [] } : undefined,
      });
      report(name, action, answer);
      return answer;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        forgetToken();
        reason = `The service refused that token: ${error.message}`;
        continue;
      }
      toast(`${name}: ${error.message}`, 'error');
      return undefined;
    }
  }
  return undefined;
}

function report(name, action, answer) {
  if (action === 'pause') return toast(`${name} paused: no scheduled runs or triggers until resumed`, 'info');
  if (action === 'resume') return toast(`${name} resumed`, 'ok');
  const [kind, words] = OUTCOME_WORDS[answer.outcome] ?? ['info', answer.outcome];
  const detail = answer.outcome === 'ignored' && answer.message ? `: ${answer.message}` : '';
  toast(`${name}: ${words}${detail}`, kind);
}
