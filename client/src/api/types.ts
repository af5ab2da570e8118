// Shapes of the Codossier HTTP API (docs/api.md). Keep in sync with the server.

export type Role = "lead" | "partner" | "beneficiary" | "observer";
export type InvitableRole = Exclude<Role, "lead">;
export type DossierState = "brouillon" | "fige" | "depose";

export const ROLES: readonly Role[] = ["lead", "partner", "beneficiary", "observer"];
export const INVITABLE_ROLES: readonly InvitableRole[] = ["partner", "beneficiary", "observer"];

/** Capabilities the client looks at in `Dossier.my_capabilities`. */
export type Capability = "manage_actions" | "manage_members" | (string & {});

export interface User {
  id: number;
  display_name: string;
  email: string | null;
  has_account: boolean;
}

export interface Session {
  user: User | null;
  csrf_token: string;
}

export interface DossierSummary {
  id: number;
  title: string;
  structure: string;
  state: DossierState;
  role: Role;
  action_count: number;
  member_count: number;
  created_at: string;
}

export interface TemplateRef {
  id: string;
  version: number;
}

export interface Action {
  id: number;
  title: string;
  /** 1-based order of importance. */
  position: number;
}

export interface Dossier {
  id: number;
  title: string;
  structure: string;
  state: DossierState;
  beneficiaries_may_edit: boolean;
  template: TemplateRef;
  storyboard_template: TemplateRef;
  my_role: Role;
  my_capabilities: Capability[];
  actions: Action[];
  created_at: string;
}

export interface Member {
  id: number;
  user_id: number;
  display_name: string;
  /** Only sent to the lead. */
  email: string | null;
  role: Role;
  /** The member's collège (null: none; observers never have one). */
  college_id: number | null;
  has_account: boolean;
  joined_at: string;
  is_me: boolean;
}

/** A stakeholder collège: its weight counts in the votes. */
export interface College {
  id: number;
  name: string;
  /** 1..1000 */
  weight: number;
  member_ids: number[];
}

export type InvitationKind = "invitation" | "reentry";
export type InvitationStatus = "pending" | "used" | "revoked" | "expired";

export interface Invitation {
  id: number;
  kind: InvitationKind;
  /** null for a re-entry link (it carries a person, not a role). */
  role: Role | null;
  label: string | null;
  email: string | null;
  member_id: number | null;
  created_at: string;
  expires_at: string;
  status: InvitationStatus;
  /** Path of the join page, "/join/<token>". */
  url: string;
}

export interface InvitationPreview {
  kind: InvitationKind;
  /** null for a re-entry link. */
  role: Role | null;
  dossier: { title: string; structure: string };
  expires_at: string;
  requires_account: boolean;
  /** For a re-entry link: the member it logs in as. */
  display_name: string | null;
}

export interface AcceptReply {
  session: Session;
  dossier_id: number;
}

export interface ErrorDetail {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

// --- Form templates (server/services/forms.py, FormTemplate.model_dump(mode="json"))

/** A text in French (authoritative) and English. */
export interface LocalizedText {
  fr: string;
  en: string;
}

export interface Question {
  key: string;
  label: LocalizedText;
  wording: LocalizedText;
  easy: LocalizedText;
  required: boolean;
  soft_limit: number | null;
  markers: LocalizedText[];
}

export interface Section {
  key: string;
  title: LocalizedText;
  wording: LocalizedText | null;
  questions: Question[];
}

export interface TitleField {
  label: LocalizedText;
  wording: LocalizedText;
  easy: LocalizedText;
}

export interface FormTemplate {
  id: string;
  version: number;
  kind: "action" | "storyboard";
  title: LocalizedText;
  subtitle: LocalizedText | null;
  intro: LocalizedText[];
  source: string;
  title_field: TitleField | null;
  sections: Section[];
}

// --- Comments (server/api/schemas.py: ThreadOut …) and rendered answers

export interface Person {
  id: number;
  display_name: string;
  /** null when the person is no longer a member. */
  role: Role | null;
}

export interface CommentItem {
  id: number;
  author: Person;
  /** Plain text, never HTML. */
  body: string;
  created_at: string;
}

/** base64 of Y.encodeRelativePosition, for the start and the end of a passage. */
export interface Anchor {
  start: string;
  end: string;
}

export interface Thread {
  id: number;
  dossier_id: number;
  document: string;
  question: string;
  anchor: Anchor | null;
  quote: string | null;
  created_by: Person;
  created_at: string;
  resolved_at: string | null;
  resolved_by: Person | null;
  comments: CommentItem[];
}

export interface NewThread {
  question: string;
  body: string;
  anchor?: Anchor;
  quote?: string;
}

export interface RenderedAnswer {
  key: string;
  html: string;
  text: string;
  characters: number;
}

// --- Register (GET /api/dossiers/{id}/register and …/register/verify) --------

export interface RegisterEntry {
  sequence: number;
  kind: string;
  content: Record<string, unknown>;
  previous_hash: string;
  hash: string;
  created_at: string;
}

export interface RegisterData {
  entries: RegisterEntry[];
  head: string;
}

export interface RegisterVerification {
  ok: boolean;
  length: number;
  head: string;
  first_bad_sequence: number | null;
  problem: string | null;
  problem_fr: string | null;
}

/** Who wrote an answer's current text (GET …/documents/{document}/authorship). */
export interface Writer {
  /** null: text stored before Codossier kept its authors. */
  user_id: number | null;
  display_name: string | null;
  /** null: no longer a member of the dossier. */
  role: Role | null;
  characters: number;
}

export interface AnswerAuthorship {
  key: string;
  characters: number;
  /** Most characters first. */
  writers: Writer[];
}

export interface DocumentAuthorship {
  document: string;
  answers: AnswerAuthorship[];
}
