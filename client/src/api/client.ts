// Thin fetch wrapper around the Codossier HTTP API (docs/api.md).
//
// - credentials: "same-origin" (the session is a cookie);
// - the CSRF token comes from GET /api/auth/session and from the replies of
//   login, signup and invitation acceptance (which rotate it); it is sent as
//   X-CSRF-Token on every state-changing request;
// - error replies {"error": {code, message, details}} become an ApiError.

import i18n from "../i18n";
import type {
  AcceptReply,
  Action,
  College,
  DocumentAuthorship,
  Dossier,
  DossierSummary,
  ErrorBody,
  ErrorDetail,
  FormTemplate,
  Invitation,
  InvitationPreview,
  InvitableRole,
  Member,
  NewThread,
  RegisterData,
  RegisterVerification,
  RenderedAnswer,
  Role,
  Session,
  Thread,
} from "./types";

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The error's code translated through i18next (`errors.<code>`), with a generic fallback. */
  get localizedMessage(): string {
    return translateErrorCode(this.code);
  }
}

export function translateErrorCode(code: string): string {
  const key = `errors.${code}`;
  return i18n.exists(key) ? i18n.t(key) : i18n.t("errors.generic");
}

/** A localized message for anything thrown by the API layer. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.localizedMessage;
  return i18n.t("errors.generic");
}

export function isApiError(error: unknown, ...codes: string[]): error is ApiError {
  return error instanceof ApiError && (codes.length === 0 || codes.includes(error.code));
}

// --- CSRF token -------------------------------------------------------------

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

// --- Listeners for session changes (e.g. a 401 in the middle of a session) --

type UnauthenticatedListener = () => void;
const unauthenticatedListeners = new Set<UnauthenticatedListener>();

export function onUnauthenticated(listener: UnauthenticatedListener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

// --- Core request -----------------------------------------------------------

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const UNSAFE: ReadonlySet<Method> = new Set<Method>(["POST", "PUT", "PATCH", "DELETE"]);

async function parseError(response: Response): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = response.statusText || "Request failed";
  let details: ErrorDetail[] = [];
  try {
    const body = (await response.json()) as Partial<ErrorBody>;
    if (body && body.error && typeof body.error.code === "string") {
      code = body.error.code;
      message = body.error.message ?? message;
      details = Array.isArray(body.error.details) ? body.error.details : [];
    }
  } catch {
    // Not JSON: keep the HTTP status as the code.
  }
  return new ApiError(response.status, code, message, details);
}

async function send(method: Method, path: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (UNSAFE.has(method)) {
    if (csrfToken === null) await getSession();
    headers["Content-Type"] = "application/json";
    if (csrfToken !== null) headers["X-CSRF-Token"] = csrfToken;
  }
  try {
    return await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: UNSAFE.has(method) ? JSON.stringify(body ?? {}) : undefined,
    });
  } catch {
    throw new ApiError(0, "network_error", "The server could not be reached");
  }
}

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response = await send(method, path, body);
  if (!response.ok) {
    let error = await parseError(response);
    if (error.code === "csrf_failed" && UNSAFE.has(method)) {
      // The token may have been rotated elsewhere (another tab): refresh once.
      csrfToken = null;
      await getSession();
      response = await send(method, path, body);
      if (response.ok) return readBody<T>(response);
      error = await parseError(response);
    }
    if (error.code === "not_authenticated") {
      unauthenticatedListeners.forEach((listener) => listener());
    }
    throw error;
  }
  return readBody<T>(response);
}

async function readBody<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (text === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, "bad_response", "The server reply is not JSON");
  }
}

function rememberSession(session: Session): Session {
  setCsrfToken(session.csrf_token);
  return session;
}

const enc = encodeURIComponent;

// --- Auth -------------------------------------------------------------------

export async function getSession(): Promise<Session> {
  const response = await fetch("/api/auth/session", {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  }).catch(() => {
    throw new ApiError(0, "network_error", "The server could not be reached");
  });
  if (!response.ok) throw await parseError(response);
  return rememberSession((await response.json()) as Session);
}

export async function login(email: string, password: string): Promise<Session> {
  return rememberSession(await request<Session>("POST", "/api/auth/login", { email, password }));
}

/** Ask for an account: the server e-mails the address a link (the same answer whether or not it has an account). */
export async function signup(email: string, password: string, display_name: string): Promise<{ email: string }> {
  return request<{ email: string }>("POST", "/api/auth/signup", { email, password, display_name });
}

/** Open the link of a sign-up e-mail: creates the account and logs it in. */
export async function confirmSignup(token: string): Promise<Session> {
  return rememberSession(await request<Session>("POST", "/api/auth/signup/confirm", { token }));
}

export async function logout(): Promise<void> {
  await request<void>("POST", "/api/auth/logout");
  // The server drops the session: fetch a fresh anonymous one (and its token).
  csrfToken = null;
}

// --- Forms ------------------------------------------------------------------

const templateCache = new Map<string, Promise<FormTemplate>>();

export function getTemplate(id: string, version: number): Promise<FormTemplate> {
  const cacheKey = `${id}/${version}`;
  let cached = templateCache.get(cacheKey);
  if (!cached) {
    cached = request<FormTemplate>("GET", `/api/forms/${enc(id)}/${version}`);
    cached.catch(() => templateCache.delete(cacheKey));
    templateCache.set(cacheKey, cached);
  }
  return cached;
}

// --- Dossiers ---------------------------------------------------------------

export async function listDossiers(): Promise<DossierSummary[]> {
  return (await request<{ dossiers: DossierSummary[] }>("GET", "/api/dossiers")).dossiers;
}

export function createDossier(title: string, structure: string): Promise<Dossier> {
  return request<Dossier>("POST", "/api/dossiers", { title, structure });
}

export function getDossier(id: number): Promise<Dossier> {
  return request<Dossier>("GET", `/api/dossiers/${id}`);
}

export function updateDossier(
  id: number,
  changes: { title?: string; structure?: string; beneficiaries_may_edit?: boolean },
): Promise<Dossier> {
  return request<Dossier>("PATCH", `/api/dossiers/${id}`, changes);
}

// --- Actions ----------------------------------------------------------------

export function addAction(dossierId: number, title: string): Promise<Action> {
  return request<Action>("POST", `/api/dossiers/${dossierId}/actions`, { title });
}

export function renameAction(dossierId: number, actionId: number, title: string): Promise<Action> {
  return request<Action>("PATCH", `/api/dossiers/${dossierId}/actions/${actionId}`, { title });
}

export function deleteAction(dossierId: number, actionId: number): Promise<void> {
  return request<void>("DELETE", `/api/dossiers/${dossierId}/actions/${actionId}`);
}

export async function reorderActions(dossierId: number, actionIds: number[]): Promise<Action[]> {
  const reply = await request<{ actions: Action[] }>("PUT", `/api/dossiers/${dossierId}/actions/order`, {
    action_ids: actionIds,
  });
  return reply.actions;
}

// --- Members ----------------------------------------------------------------

export async function listMembers(dossierId: number): Promise<Member[]> {
  return (await request<{ members: Member[] }>("GET", `/api/dossiers/${dossierId}/members`)).members;
}

export function changeMemberRole(dossierId: number, memberId: number, role: Role): Promise<Member> {
  return request<Member>("PATCH", `/api/dossiers/${dossierId}/members/${memberId}`, { role });
}

export function removeMember(dossierId: number, memberId: number): Promise<void> {
  return request<void>("DELETE", `/api/dossiers/${dossierId}/members/${memberId}`);
}

export function createReentryLink(
  dossierId: number,
  memberId: number,
  expiresInDays?: number,
): Promise<Invitation> {
  const body = expiresInDays === undefined ? {} : { expires_in_days: expiresInDays };
  return request<Invitation>("POST", `/api/dossiers/${dossierId}/members/${memberId}/reentry-link`, body);
}

// --- Collèges ---------------------------------------------------------------

export async function listColleges(dossierId: number): Promise<College[]> {
  return (await request<{ colleges: College[] }>("GET", `/api/dossiers/${dossierId}/colleges`)).colleges;
}

export function createCollege(dossierId: number, college: { name: string; weight: number }): Promise<College> {
  return request<College>("POST", `/api/dossiers/${dossierId}/colleges`, college);
}

export function updateCollege(
  dossierId: number,
  collegeId: number,
  changes: { name?: string; weight?: number },
): Promise<College> {
  return request<College>("PATCH", `/api/dossiers/${dossierId}/colleges/${collegeId}`, changes);
}

export function deleteCollege(dossierId: number, collegeId: number): Promise<void> {
  return request<void>("DELETE", `/api/dossiers/${dossierId}/colleges/${collegeId}`);
}

export function assignCollege(dossierId: number, memberId: number, collegeId: number | null): Promise<Member> {
  return request<Member>("PUT", `/api/dossiers/${dossierId}/members/${memberId}/college`, { college_id: collegeId });
}

// --- Invitations ------------------------------------------------------------

export async function listInvitations(dossierId: number): Promise<Invitation[]> {
  return (await request<{ invitations: Invitation[] }>("GET", `/api/dossiers/${dossierId}/invitations`))
    .invitations;
}

export interface NewInvitation {
  role: InvitableRole;
  expires_in_days?: number;
  label?: string;
  email?: string;
}

export function createInvitation(dossierId: number, invitation: NewInvitation): Promise<Invitation> {
  return request<Invitation>("POST", `/api/dossiers/${dossierId}/invitations`, invitation);
}

export function revokeInvitation(dossierId: number, invitationId: number): Promise<void> {
  return request<void>("DELETE", `/api/dossiers/${dossierId}/invitations/${invitationId}`);
}

export function previewInvitation(token: string): Promise<InvitationPreview> {
  return request<InvitationPreview>("GET", `/api/invitations/${enc(token)}`);
}

export async function acceptInvitation(
  token: string,
  body: { display_name?: string; email?: string; password?: string },
): Promise<AcceptReply> {
  const reply = await request<AcceptReply>("POST", `/api/invitations/${enc(token)}/accept`, body);
  rememberSession(reply.session);
  return reply;
}

/** Absolute URL of a join link, for copying and QR codes. */
export function absoluteUrl(path: string): string {
  return new URL(path, window.location.origin).toString();
}

// --- Live documents: comments and rendered answers ---------------------------

export function getAuthorship(dossierId: number, document: string): Promise<DocumentAuthorship> {
  return request<DocumentAuthorship>("GET", `/api/dossiers/${dossierId}/documents/${enc(document)}/authorship`);
}

export async function listThreads(dossierId: number, document: string): Promise<Thread[]> {
  const reply = await request<{ threads: Thread[] }>(
    "GET",
    `/api/dossiers/${dossierId}/documents/${enc(document)}/comments`,
  );
  return reply.threads;
}

export function openThread(dossierId: number, document: string, thread: NewThread): Promise<Thread> {
  return request<Thread>("POST", `/api/dossiers/${dossierId}/documents/${enc(document)}/comments`, thread);
}

export function replyToThread(dossierId: number, threadId: number, body: string): Promise<Thread> {
  return request<Thread>("POST", `/api/dossiers/${dossierId}/comments/${threadId}/replies`, { body });
}

export function resolveThread(dossierId: number, threadId: number): Promise<Thread> {
  return request<Thread>("POST", `/api/dossiers/${dossierId}/comments/${threadId}/resolve`);
}

export function reopenThread(dossierId: number, threadId: number): Promise<Thread> {
  return request<Thread>("POST", `/api/dossiers/${dossierId}/comments/${threadId}/reopen`);
}

export async function getAnswers(dossierId: number, document: string): Promise<RenderedAnswer[]> {
  const reply = await request<{ document: string; answers: RenderedAnswer[] }>(
    "GET",
    `/api/dossiers/${dossierId}/documents/${enc(document)}/answers`,
  );
  return reply.answers;
}

// --- Register -----------------------------------------------------------------

export function getRegister(dossierId: number): Promise<RegisterData> {
  return request<RegisterData>("GET", `/api/dossiers/${dossierId}/register`);
}

/** Recompute the chain; with `head` (64 hex, from a receipt or an export), also check it is still in the register. */
export function verifyRegister(dossierId: number, head?: string): Promise<RegisterVerification> {
  const query = head === undefined ? "" : `?head=${enc(head)}`;
  return request<RegisterVerification>("GET", `/api/dossiers/${dossierId}/register/verify${query}`);
}
