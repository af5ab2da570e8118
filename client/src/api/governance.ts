// Types and calls of the governance API: priority votes, decisions, lifecycle
// (server/api/governance_schemas.py is the reference; /api/openapi.json lists them).

import { request } from "./client";

const base = (dossierId: number) => `/api/dossiers/${dossierId}`;

export type RuleName = "majorite_simple" | "majorite_qualifiee" | "consentement" | "unanimite";
export type Choice = "pour" | "contre" | "abstention" | "objection";
export type VoteState = "open" | "closed" | "cancelled";

export interface PersonRef {
  user_id: number;
  name: string;
}

export interface Voter {
  user_id: number;
  name: string;
  role: string;
  college: string | null;
  voted: boolean;
  /** Left the dossier while the vote was open: a vote cast still counts, none is awaited any more. */
  left: boolean;
}

/** The voters who count: the electorate fixed at opening, less those who left the dossier without voting. */
export function countedVoters<V extends Voter>(voters: V[]): V[] {
  return voters.filter((voter) => voter.voted || !voter.left);
}

// --- priority votes -------------------------------------------------------------

export interface PollResult {
  /** Action ids, first = most important. */
  order: number[];
  /** Action id (as a string) → title at the close. */
  names: Record<string, string>;
  /** Rows and columns in `candidates` order; "a/b" fractions as strings, null on the diagonal. */
  pairwise: (string | null)[][];
  strongest: (string | null)[][];
  paths: { source: number; target: number; path: number[]; strength: string }[];
  ties_broken: number[][];
  ballot_count: number;
  total_weight: string;
  explanation: { fr: string[]; en: string[] };
  tie_rule: { fr: string; en: string };
}

export interface Poll {
  id: number;
  state: VoteState;
  secret: boolean;
  adopt_on_close: boolean;
  opened_by: PersonRef;
  opened_at: string;
  closes_at: string;
  closed_at: string | null;
  candidates: { action_id: number; title: string }[];
  voters: Voter[];
  /** Groups of action ids, best first; null before voting. */
  my_ballot: number[][] | null;
  /** Each voter's ranking; null when ballots are secret. */
  ballots: { voter: PersonRef; ranking: number[][] }[] | null;
  result: PollResult | null;
  adopted_at: string | null;
  adopted_register_sequence: number | null;
  may_vote: boolean;
  may_close: boolean;
  may_propose_adoption: boolean;
}

export interface NewPoll {
  closes_at: string;
  secret: boolean;
  adopt_on_close: boolean;
}

export async function listPolls(dossierId: number): Promise<Poll[]> {
  return (await request<{ polls: Poll[] }>("GET", `${base(dossierId)}/polls`)).polls;
}

export function getPoll(dossierId: number, pollId: number): Promise<Poll> {
  return request<Poll>("GET", `${base(dossierId)}/polls/${pollId}`);
}

export function openPoll(dossierId: number, poll: NewPoll): Promise<Poll> {
  return request<Poll>("POST", `${base(dossierId)}/polls`, poll);
}

export function castBallot(dossierId: number, pollId: number, ranking: number[][]): Promise<Poll> {
  return request<Poll>("PUT", `${base(dossierId)}/polls/${pollId}/ballot`, { ranking });
}

export function closePoll(dossierId: number, pollId: number): Promise<Poll> {
  return request<Poll>("POST", `${base(dossierId)}/polls/${pollId}/close`);
}

// --- decisions ------------------------------------------------------------------

export type DecisionKind = "general" | "priority_order" | "final_approval" | "reopen";

export interface DecisionSummary {
  id: number;
  kind: DecisionKind;
  title: string;
  rule: RuleName;
  state: VoteState;
  opened_at: string;
  closes_at: string;
  closed_at: string | null;
  adopted: boolean | null;
  proposer: PersonRef;
  voted_count: number;
  eligible_count: number;
}

export interface DecisionVoter extends Voter {
  /** null when the ballot is secret (except your own) or not cast. */
  choice: Choice | null;
  reason: string | null;
  maintained: boolean | null;
  revision: number | null;
}

export interface Tally {
  eligible: number;
  participants: number;
  total_weight: string;
  pour: number;
  contre: number;
  abstention: number;
  objections_maintained: number;
  objections_withdrawn: number;
  weight_pour: string;
  weight_contre: string;
  weight_abstention: string;
}

export interface DecisionOutcome {
  adopted: boolean;
  quorum_reached: boolean;
  participants: number;
  eligible: number;
  overall: Tally;
  /** Collège id → its tally. */
  colleges: Record<string, Tally>;
  objections: { reason: string; maintained: boolean; voter: string | null }[];
  reasons: { fr: string[]; en: string[] };
  /** Set when an adopted priority-order decision could not reorder the actions (they changed meanwhile). */
  order_not_applied?: string | null;
}

export interface Decision extends DecisionSummary {
  text: string;
  quorum_percent: number;
  require_every_college: boolean;
  secret: boolean;
  content_hash: string | null;
  poll_id: number | null;
  /** Collège id → name and weight, fixed at opening. */
  colleges: Record<string, { name: string; weight: number }>;
  revisions: { number: number; text: string; note: string | null; created_at: string }[];
  voters: DecisionVoter[];
  objections: { voter: string | null; reason: string; maintained: boolean; revision: number }[];
  integration_round: boolean;
  my_vote: DecisionVoter | null;
  outcome: DecisionOutcome | null;
  register_sequence: number | null;
  statement: string | null;
  statement_at: string | null;
  may_vote: boolean;
  may_amend: boolean;
  may_close: boolean;
  may_state: boolean;
}

export interface NewDecision {
  kind: "general" | "priority_order" | "reopen";
  title: string;
  text: string;
  rule: RuleName;
  quorum_percent: number;
  closes_at: string;
  secret: boolean;
  require_every_college: boolean;
  about_text: boolean;
  poll_id?: number | null;
}

export async function listDecisions(dossierId: number): Promise<DecisionSummary[]> {
  return (await request<{ decisions: DecisionSummary[] }>("GET", `${base(dossierId)}/decisions`)).decisions;
}

export function getDecision(dossierId: number, decisionId: number): Promise<Decision> {
  return request<Decision>("GET", `${base(dossierId)}/decisions/${decisionId}`);
}

export function proposeDecision(dossierId: number, decision: NewDecision): Promise<Decision> {
  return request<Decision>("POST", `${base(dossierId)}/decisions`, decision);
}

export function voteOnDecision(dossierId: number, decisionId: number, choice: Choice, reason?: string): Promise<Decision> {
  return request<Decision>("PUT", `${base(dossierId)}/decisions/${decisionId}/vote`, reason ? { choice, reason } : { choice });
}

export function setObjection(dossierId: number, decisionId: number, maintained: boolean): Promise<Decision> {
  return request<Decision>("PUT", `${base(dossierId)}/decisions/${decisionId}/objection`, { maintained });
}

export function amendDecision(dossierId: number, decisionId: number, text: string, note?: string): Promise<Decision> {
  return request<Decision>("POST", `${base(dossierId)}/decisions/${decisionId}/amend`, note ? { text, note } : { text });
}

export function closeDecision(dossierId: number, decisionId: number): Promise<Decision> {
  return request<Decision>("POST", `${base(dossierId)}/decisions/${decisionId}/close`);
}

export function stateOutcome(dossierId: number, decisionId: number, statement: string): Promise<Decision> {
  return request<Decision>("POST", `${base(dossierId)}/decisions/${decisionId}/statement`, { statement });
}

// --- lifecycle ------------------------------------------------------------------

export type UnmetCondition = "frozen" | "answers" | "priority_order" | "final_approval" | "content_unchanged";

export interface Receipt {
  format: string;
  dossier_id: number;
  title: string;
  structure: string;
  content_hash: string;
  register_head: string;
  register_sequence: number;
  submitted_at: string;
  submitted_by: string;
}

export interface Lifecycle {
  state: "brouillon" | "fige" | "depose";
  content_hash: string;
  frozen_at: string | null;
  frozen_content_hash: string | null;
  missing_answers: { action_id: number; action_title: string; question_key: string; label_fr: string; label_en: string }[];
  order_required: boolean;
  order_adopted: boolean;
  final_approval: { decision_id: number; state: VoteState; adopted: boolean | null; closes_at: string } | null;
  final_approval_adopted: boolean;
  content_unchanged: boolean;
  unmet: UnmetCondition[];
  reopen_decision_adopted: boolean;
  receipt: Receipt | null;
}

export interface FreezeOptions {
  rule: RuleName;
  quorum_percent: number;
  closes_at: string;
  secret: boolean;
  require_every_college: boolean;
}

export function getLifecycle(dossierId: number): Promise<Lifecycle> {
  return request<Lifecycle>("GET", `${base(dossierId)}/lifecycle`);
}

export function freezeDossier(dossierId: number, options: FreezeOptions): Promise<Lifecycle> {
  return request<Lifecycle>("POST", `${base(dossierId)}/freeze`, options);
}

export function reopenDossier(dossierId: number): Promise<Lifecycle> {
  return request<Lifecycle>("POST", `${base(dossierId)}/reopen`);
}

export function submitDossier(dossierId: number): Promise<Receipt> {
  return request<Receipt>("POST", `${base(dossierId)}/submit`);
}

export interface SubmissionFile {
  name: string;
  mimetype: string;
  size: number;
  sha256: string;
  /** Where the stored bytes download, identical every time. */
  url: string;
}

export async function getSubmissionFiles(dossierId: number): Promise<SubmissionFile[]> {
  return (await request<{ receipt: Receipt; files: SubmissionFile[] }>("GET", `${base(dossierId)}/submission`)).files;
}
