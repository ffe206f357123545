/**
 * Where the dashboard keeps what it sends with every request: the API key (sessionStorage, so it
 * ends with the tab) and, for admins, the chosen project (localStorage).
 */
const KEY_STORAGE = 'wisp.apiKey';
const PROJECT_STORAGE = 'wisp.project';

export interface Credentials {
  apiKey: string | null;
  projectId: string | null;
}

function read(storage: Storage | undefined, name: string): string | null {
  try {
    return storage?.getItem(name) ?? null;
  } catch {
    return null;
  }
}

function write(storage: Storage | undefined, name: string, value: string | null): void {
  try {
    if (value === null) storage?.removeItem(name);
    else storage?.setItem(name, value);
  } catch {
    // Storage disabled (private mode): the value lives until reload.
  }
}

/** The storage, or undefined where reading it is refused (sandboxed frames throw on access). */
function storageOf(kind: 'sessionStorage' | 'localStorage'): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window[kind];
  } catch {
    return undefined;
  }
}

const session = storageOf('sessionStorage');
const local = storageOf('localStorage');

export function readCredentials(): Credentials {
  return { apiKey: read(session, KEY_STORAGE), projectId: read(local, PROJECT_STORAGE) };
}

export function saveApiKey(apiKey: string | null): void {
  write(session, KEY_STORAGE, apiKey);
}

export function saveProject(projectId: string | null): void {
  write(local, PROJECT_STORAGE, projectId);
}
