// The API key the dashboard sends. It is kept in sessionStorage, so it lasts while the
// tab is open, and it is sent only to this origin.

const STORAGE_ITEM = 'wayline.apiKey';

/** Returns the stored key, or undefined when none was entered in this tab. */
export function storedApiKey() {
  return window.sessionStorage.getItem(STORAGE_ITEM) ?? undefined;
}

/** @param {string} key */
export function storeApiKey(key) {
  window.sessionStorage.setItem(STORAGE_ITEM, key);
}

export function forgetApiKey() {
  window.sessionStorage.removeItem(STORAGE_ITEM);
}

/** Returns the headers that authenticate a request with the stored key. */
export function authorizationHeaders() {
  const key = storedApiKey();
  return key === undefined ? {} : { authorization: `Bearer ${key}` };
}
