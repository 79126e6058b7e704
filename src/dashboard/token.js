// The API token for requests that change state: asked for in a dialog when first needed, kept for this tab
// (sessionStorage) or, when the person ticks "remember", on this device (localStorage).

const KEY = 'pycron.token';

export function storedToken() {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? undefined;
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}

function saveToken(token, remember) {
  forgetToken();
  (remember ? localStorage : sessionStorage).setItem(KEY, token);
}

/**
 * The token to send: the stored one, unless `reason` says it was refused; else asks. Resolves undefined when the
 * person cancels.
 */
export function askToken(reason) {
  const known = storedToken();
  if (known && !reason) return Promise.resolve(known);
  return openDialog(reason);
}

/** Opens the dialog to set or forget the token (the Token button). */
export function manageToken() {
  return openDialog(undefined);
}

function openDialog(reason) {
  const dialog = document.getElementById('token-dialog');
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  const remember = document.getElementById('token-remember');
  const why = document.getElementById('token-reason');
  why.textContent =
    reason ?? 'Running, pausing and resuming jobs needs the token set by [HTTP] TOKEN or TOKEN_FILE in config.ini.';
  why.classList.toggle('error-text', Boolean(reason));
  input.value = '';
  remember.checked = localStorage.getItem(KEY) !== null;
  return new Promise((resolve) => {
    const finish = (token) => {
      form.removeEventListener('submit', onSubmit);
      document.getElementById('token-cancel').removeEventListener('click', onCancel);
      document.getElementById('token-forget').removeEventListener('click', onForget);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(token);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      saveToken(token, remember.checked);
      finish(token);
    };
    const onCancel = (event) => {
      event.preventDefault();
      finish(undefined);
    };
    const onForget = () => {
      forgetToken();
      finish(undefined);
    };
    form.addEventListener('submit', onSubmit);
    document.getElementById('token-cancel').addEventListener('click', onCancel);
    document.getElementById('token-forget').addEventListener('click', onForget);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
}
