// Hand-written types for bindings/engine.js (emscripten 3.1.6 has no --embind-emit-tsd).
// Every amount is an integer number of fen (or points), 0 ... 2^53-1; every rate integer bp.

export interface Problem { code: string; path: string; message: string; }

export class EngineError extends Error {
  code: string;
  path: string;
  errors: Problem[];
}

export type LevelValues = Array<number | null>;

export interface GradeConfig {
  id: string;
  name?: string;
  rates_bp?: LevelValues;
  per_unit_fen?: LevelValues;
  per_unit_points?: LevelValues;
  thresholds?: {
    bound_customers?: number; invited_distributors?: number; paid_orders?: number;
    paid_fen?: number; deal_fen?: number; completed_orders?: number;
  };
}

export interface DistributionProgram {
  kind: 'distribution';
  program_id?: number;
  depth?: 1 | 2 | 3;
  self_purchase?: 'none' | 'self_as_level1';
  reward?: 'cash' | 'points' | 'balance';
  mode?: 'rate' | 'fixed';
  rates_bp?: LevelValues;        // rate mode
  per_unit_fen?: LevelValues;    // fixed cash / balance
  per_unit_points?: LevelValues; // fixed points
  rounding?: 'floor' | 'half_up';
  refund_policy?: 'keep' | 'proportional';
  after_withdrawal?: 'debt' | 'forgive';
  hold_days?: number;
  profit_sharing_cap_bp?: number;
  grades?: GradeConfig[];
  grade_upgrade?: 'any' | 'all';
  products?: Array<{ product_id: string; rates_bp?: LevelValues; per_unit_fen?: LevelValues;
                     per_unit_points?: LevelValues; grades?: Record<string, LevelValues> }>;
  cost_protection?: boolean;
  regional_agents?: { province_bp?: number; city_bp?: number; district_bp?: number;
                      agents?: Array<{ region: string; agent_id: number }> };
  excluded_order_types?: string[];
}

export interface CampaignProgram {
  kind: 'campaign';
  program_id?: number;
  title?: string;
  start_ms: number;
  end_ms: number;
  commission_per_unit_fen: number; // 30 ... 20000
  buy_before_distributing?: boolean;
  product: { name?: string; price_fen: number; stock: number };
  max_buyers?: number;
  per_user_limit?: number;
  show_participants?: boolean;
  fans_only?: boolean;
  splash_ad?: boolean;
  ticker?: boolean;
  poster_sharing?: boolean;
  password_protected?: boolean;
  allowed_regions?: string[];
  /** https://… or a site path starting with one '/'; "" = none (E_URL otherwise). */
  logo_url?: string;
  /** At most 4; text 1…8 characters; url as logo_url. Display only (seed 000 高级设置). */
  footer_buttons?: { text: string; url: string }[];
  rounding?: 'floor' | 'half_up';
  refund_policy?: 'keep' | 'proportional';
  after_withdrawal?: 'debt' | 'forgive';
  hold_days?: number;
}

export type Program = DistributionProgram | CampaignProgram;

export interface Order {
  order_id?: string;
  buyer_id: number;
  bound_distributor_id?: number | null; // distribution: binding at order time
  sharer_id?: number | null;            // campaign: sharer of the link
  sharer_has_bought?: boolean;
  distributors?: Array<{ id: number; inviter_id?: number | null; grade?: string }>;
  items: Array<{ product_id?: string; units?: number; paid_fen: number; unit_cost_fen?: number;
                 types?: string[] }>;
  types?: string[];
  delivery_region?: string;
}

export interface Line {
  level: number; beneficiary_id: number; role: string; grade?: string;
  reward: 'cash' | 'points' | 'balance'; basis: 'rate' | 'fixed';
  rule: 'product_grade' | 'product' | 'grade' | 'program' | 'campaign' | 'regional_agent';
  rate_bp?: number; per_unit_fen?: number; per_unit_points?: number;
  raw_fen?: number; raw_points?: number; amount_fen?: number; amount_points?: number;
  amount_text?: string; clipped: null | 'cost_protection' | 'compliance_cap';
}

export interface Skip { level: number; beneficiary_id?: number; reason: string; }

export interface OrderPreview {
  ok: true;
  rules_version?: string;
  order_id: string;
  chain: Array<{ level: number; beneficiary_id: number; role: string; grade?: string }>;
  skipped: Skip[];
  items: Array<{ index: number; product_id: string; paid_fen: number; excluded_type: string | null;
                 cap_fen: number | null; lines: Line[] }>;
  totals: { paid_fen: number; cash_fen: number; balance_fen: number; points: number;
            cash_text: string; margin_fen: number | null };
  by_beneficiary: Array<{ beneficiary_id: number; role: string; level: number; cash_fen: number;
                          balance_fen: number; points: number }>;
}

export interface EngineLimits {
  ok: true;
  max_depth: number;                   // distribution levels (3)
  max_grades: number;                  // grades per program (5)
  max_footer_buttons: number;          // a campaign's footer buttons (4)
  max_footer_button_chars: number;     // code points of a button's text (8)
  max_page_url_bytes: number;          // logo and button URLs (512)
  campaign_commission_min_fen: number; // per unit (30)
  campaign_commission_max_fen: number; // per unit (20000)
  max_rate_bp: number;                 // one rate (5000)
  max_rate_sum_bp: number;             // the rates on one item (5000)
  max_amount: number;                  // any amount: 2^53 - 1
  max_batch_orders: number;            // previewBatch (100000)
  max_order_items: number;             // items per order (1000)
  max_distributors: number;            // distributors listed in an order (10000)
  max_refunds: number;                 // previewRefund (1000)
  max_budget_events: number;           // previewBudget (10000)
  max_replay_events: number;           // replayEvents (1000000)
  max_binding_days: number;            // settings.binding_days (3650)
  max_share_window_hours: number;      // settings.share_window_hours (8760)
  password_max_tries: number;          // wrong passwords before the lock-out (5)
  password_window_ms: number;          // ... within this window (10 min)
  password_lock_ms: number;            // how long the lock-out lasts (10 min)
  share_token_max_chars: number;       // WeChat's scene limit (32)
}

export interface Engine {
  EngineError: typeof EngineError;
  version(): { ok: true; engine: string; max_depth: number; compliance_cap_bp: number };
  // The engine's limits, so pages and servers need not copy them.
  limits(): EngineLimits;
  // The verbs this module has (src/api/entry_points.h); each is a method of this object.
  entryPoints(): string[];
  // Every reason code an attribution decision can carry (stable; explainZh has a sentence for each).
  attributionReasons(): { ok: true; reasons: string[] };
  call(name: string, request: object): { ok: boolean; errors?: Problem[]; [k: string]: unknown };
  validateProgram(program: Program): { ok: true; rules_version: string; normalized: object;
    max_rate_sum_bp: number; warnings: Problem[] };
  previewOrder(program: Program, order: Order): OrderPreview;
  previewBatch(program: Program, orders: Order[]): { ok: true; rules_version: string;
    failed: number; results: Array<OrderPreview | { ok: false; errors: Problem[] }> };
  previewGrades(program: Program, order: Order): { ok: true; rules_version: string;
    show_grades: boolean; grades: Array<{ grade: string | null; name: string | null;
    preview: OrderPreview }> };
  previewRefund(program: Program,
    line: { amount: number; item_paid_fen: number; basis: 'rate' | 'fixed'; rate_bp?: number },
    refunds: Array<{ amount_fen: number;
      line_state?: 'pending' | 'frozen' | 'available' | 'withdrawing' | 'withdrawn' }>):
    { ok: true; policy: 'keep' | 'proportional'; total_clawback: number; total_debt: number;
      total_forgiven: number; line_left: number;
      steps: Array<{ refund_fen: number; refunded_so_far_fen: number; clawed_so_far: number;
                     clawback: number; from_line: number; debt: number; forgiven: number }> };
  previewBudget(program: CampaignProgram, balance_fen: number,
    events: Array<{ type: 'publish' | 'add_stock' | 'remove_stock' | 'sale' | 'end';
                    units?: number; qualifying?: boolean }>): object;
  // Gates and countdown (docs/gates.md).
  evaluateGate(program: CampaignProgram, now_ms: number, user: GateUser, state?: GateState): GateAnswer;
  campaignCountdown(program: CampaignProgram, now_ms: number): CountdownPlan & { ok: true; now_ms: number };
  campaignDisplay(program: CampaignProgram, now_ms: number, view?: {
    participants?: number; orders?: Array<{ name: string; at_ms: number }>;
    navigation?: 'navigate' | 'reload' | 'back_forward' }): CampaignDisplay;
  regionInfo(code: string, allowed_regions?: string[]): { ok: true; code: string;
    level: 'province' | 'city' | 'district'; province: string; city: string | null;
    ancestry: string[]; allowed?: boolean; matched?: string | null };
  passwordLockState(now_ms: number, wrong_tries_ms: number[]): PasswordLock &
    { ok: true; max_tries: number; window_ms: number; lock_ms: number };
  // Sharing (docs/share.md). Tokens are verified only by the server (share-node.js).
  encodeShareToken(fields: ShareTokenFields & { mac_hex?: string }): ShareTokenFields &
    { ok: true; version: number; payload: string; signing_input: string; token?: string; length?: number };
  decodeShareToken(token: string): DecodedShareToken;
  buildShareLink(page_url: string, token: string, param?: string):
    { ok: true; url: string; sign_url: string; scene: string; param: string };
  parseShareLaunch(launch: { url: string; param?: string } | { scene: string; param?: string }):
    ({ ok: true; source: 'url' | 'scene'; sign_url?: string | null } &
     ({ found: false; token: null } | ({ found: true } & DecodedShareToken)));
  // Attribution and grades (docs/attribution.md). A null state is a program with no history yet.
  attributionStep(settings: AttributionSettings, state: AttributionState | null, event: AttributionEvent):
    { ok: true; state: AttributionState; decision: AttributionDecision; applied: AttributionDecision[] };
  replayEvents(settings: AttributionSettings, state: AttributionState | null, events: AttributionEvent[]):
    { ok: true; state: AttributionState; events: number; refused: number;
      decisions: Array<AttributionDecision & { event_index: number }> };
  attributeOrder(settings: AttributionSettings, state: AttributionState | null,
    event: { type?: 'order'; customer_id: number; at_ms: number },
    order?: Omit<Order, 'buyer_id' | 'bound_distributor_id' | 'distributors' | 'sharer_id' | 'sharer_has_bought'>):
    { ok: true; state: AttributionState; decision: AttributionDecision; applied: AttributionDecision[];
      order: Order; commission?: OrderPreview };
  previewModeSwitch(settings: AttributionSettings, state: AttributionState | null, at_ms: number,
    to?: AttributionMode): { ok: true; mode_now: AttributionMode; to: AttributionMode; allowed: boolean;
      decision: AttributionDecision; pending_switch: { to: AttributionMode; requested_ms: number;
      effective_ms: number } | null; effective_ms?: number; next_allowed_ms?: number;
      allowed_from_ms?: number; effective_if_requested_then_ms?: number };
  // Money texts for pages: at most 1000 amounts, each 0 ... 2^53-1.
  formatMoney(amounts_fen: number[]): { ok: true; texts: string[] };
  withdrawalSettings(settings: WithdrawalSettingsInput): { ok: true; settings: WithdrawalSettings; warnings: Problem[] };
  previewWithdrawal(request: WithdrawalRequest): WithdrawalPreview;
  evaluateApplication(conditions: ApplicationConditions, facts: ApplicantFacts): ApplicationVerdict;
  gradeStatus(program: DistributionProgram, grade: string | null, stats: GradeStats, manual?: boolean): GradeStatus;
}

export type AttributionMode = 'relation_first' | 'sharer_first';

export interface AttributionSettings {
  program: Program;
  mode?: AttributionMode;                 // starting mode (default relation_first)
  auto_unbind?: 'never' | 'on_expiry';     // default never (= permanent bindings)
  binding_days?: number;                   // 1 ... 3650, default 30
  share_window_hours?: number;             // 1 ... 8760, default 24
  bind_on?: 'visit' | 'order';             // relation_first: when a share turns into a binding
}

export interface AttributionState {
  mode?: AttributionMode;
  auto_unbind?: 'never' | 'on_expiry';
  pending_switch?: { to: AttributionMode; requested_ms: number; effective_ms: number } | null;
  last_switch_ms?: number | null;
  last_event_ms?: number | null;
  history?: Array<{ setting: 'mode' | 'auto_unbind'; to: string; at_ms: number }>;
  distributors?: Array<{ id: number; inviter_id?: number | null; grade?: string | null;
                         grade_manual?: boolean; since_ms?: number }>;
  customers?: Array<{ id: number;
    binding?: { distributor_id: number; since_ms: number; renewed_ms?: number; expires_ms?: number | null;
                via?: 'visit' | 'order' | 'merchant' } | null;
    share?: { sharer_id: number; at_ms: number; expires_ms: number } | null;
    ended?: { distributor_id: number; at_ms: number; why: 'expired' | 'voided' | 'unbound' | 'replaced' } | null;
    synced?: number; has_bought?: boolean }>;
}

export type AttributionEvent =
  | { type: 'visit'; customer_id: number; sharer_id: number; at_ms: number }
  | { type: 'register' | 'order' | 'unbind'; customer_id: number; at_ms: number }
  | { type: 'rebind'; customer_id: number; distributor_id: number; at_ms: number }
  | { type: 'switch_mode'; to: AttributionMode; at_ms: number }
  | { type: 'switch_auto_unbind'; to: 'never' | 'on_expiry'; at_ms: number }
  | { type: 'set_grade'; distributor_id: number; grade: string; manual?: boolean; at_ms: number }
  | { type: 'set_inviter'; distributor_id: number; inviter_id: number; at_ms: number }
  | { type: 'tick'; at_ms: number };

export interface AttributionDecision {
  event: string;           // the event type, or 'switch_effective'
  at_ms: number;
  reason: string;          // stable code, see docs/attribution.md; explainZh() turns it into a sentence
  refused: boolean;
  facts: Record<string, unknown>;
}

export interface GradeStats {
  bound_customers?: number; invited_distributors?: number; paid_orders?: number;
  paid_fen?: number; deal_fen?: number; completed_orders?: number;
}

export interface GradeStatus {
  ok: true; rules_version: string; show_grades: boolean; manual: boolean;
  reason: 'grades_hidden' | 'grade_manual' | 'grade_upgraded' | 'grade_kept' | 'grade_top';
  grade: string | null; name: string | null; from: string | null;
  next: null | { grade: string; name: string; rule: 'any' | 'all'; met: boolean;
    thresholds: Array<{ metric: keyof GradeStats; current: number; target: number; missing: number; met: boolean;
      missing_text?: string /* money metrics (paid_fen, deal_fen): "¥12.30" */ }> };
}

export interface ExplainOptions {
  viewer?: number;                      // said as 您
  names?: Record<number, string>;
  role?: string;                        // the merchant's name for distributors (default 分销员)
  gradeNames?: Record<string, string>;
}
export function explainZh(decision: AttributionDecision, options?: ExplainOptions): string;
export function gradeZh(status: GradeStatus, options?: { role?: string }): string;
export function formatCst(ms: number, withTime?: boolean): string;

export interface ShareTokenFields {
  key_id: number;        // 0 ... 7
  program_id: number;    // 0 ... 2^53-1
  sharer_id: number;     // 0 ... 2^53-1
  issued_at_ms: number;  // 2020-01-01 ... 2147, kept to the minute
}

export interface DecodedShareToken extends ShareTokenFields {
  ok: true; token: string; version: number; payload: string; mac_hex: string;
  signing_input: string; length: number;
}

export interface PosterData {
  share_url: string;                // the QR code's text: the share link
  title?: string; nickname?: string;
  avatar_url?: string; product_image_url?: string; background_image_url?: string;
  price_fen?: number; commission_fen?: number;
}

export interface PosterBox {
  x: number; y: number; w: number; h?: number;
  font_px?: number; line_height?: number; max_lines?: number; color?: string; bold?: boolean;
  align?: 'left' | 'center' | 'right'; text?: string; bg_color?: string; padding?: number;
  radius?: number; shape?: 'circle' | 'rect';
}

export interface PosterTemplate {
  width: number; height: number; background_color?: string;
  boxes: Partial<Record<'background' | 'avatar' | 'nickname' | 'tagline' | 'product_image' |
    'title' | 'price' | 'commission' | 'qr' | 'qr_caption', PosterBox>>;
}

export type PosterItem =
  | { kind: 'rect'; role: string; x: number; y: number; w: number; h: number; color: string; radius: number }
  | { kind: 'image'; role: string; x: number; y: number; w: number; h: number; url: string | null;
      shape: 'circle' | 'rect'; radius: number; placeholder_color: string; fallback_text?: string }
  | { kind: 'text'; role: string; x: number; y: number; w: number; h: number; font_px: number;
      line_height: number; color: string; bold: boolean; align: 'left' | 'center' | 'right';
      lines: string[]; truncated: boolean; fits: boolean }
  | { kind: 'qr'; role: 'qr'; x: number; y: number; w: number; h: number; text: string;
      ecc: 'M'; color: string; bg_color: string };

export interface PosterLayout { ok: true; width: number; height: number; items: PosterItem[]; }

export type GateAction = 'enter' | 'buy' | 'distribute';
export type GateCode = 'G_NOT_STARTED' | 'G_ENDED' | 'G_SOLD_OUT' | 'G_BUYERS_FULL' | 'G_NOT_FAN' |
  'G_REGION_NOT_ALLOWED' | 'G_REGION_MISSING' | 'G_REGION_UNKNOWN' | 'G_REGION_MALFORMED' |
  'G_PASSWORD_REQUIRED' | 'G_PASS_MALFORMED' | 'G_PASS_WRONG_PROGRAM' | 'G_PASS_WRONG_USER' |
  'G_PASS_EXPIRED' | 'G_PASS_BAD_SIGNATURE' | 'G_LOCKED_OUT' | 'G_PURCHASE_LIMIT' | 'G_MUST_BUY_FIRST';

export interface GateUser {
  id: number;                  // 1 ... 2^53-1
  is_fan?: boolean;
  region?: string | null;      // GB/T 2260, e.g. '440305'; null = not known
  bought_units?: number;       // in this campaign so far
  pass?: string | null;        // gp1.<program>.<user>.<expires_ms>.<mac> from the server
  pass_signature?: 'unchecked' | 'valid' | 'invalid'; // set by the server after checking the MAC
  wrong_tries_ms?: number[];   // the server's log of wrong passwords, none after now_ms
}
export interface GateState { stock_left?: number; buyers?: number; }
export interface GateReason { code: GateCode; message: string; blocks: GateAction[];
  until_ms?: number; detail?: string; }
export interface PasswordLock { locked: boolean; lock_until_ms: number | null; tries_left: number;
  window_frees_at_ms: number | null; }
export interface CountdownPlan {
  phase: 'not_started' | 'running' | 'ended'; start_ms: number; end_ms: number;
  target_ms: number | null; remaining_ms: number; days: number; hours: number; minutes: number;
  seconds: number; next_tick_ms: number | null; phase_changes_at_ms: number | null;
}
export interface GateAnswer {
  ok: true; rules_version: string; now_ms: number; phase: CountdownPlan['phase'];
  allowed: boolean;            // may enter and buy now
  enter: { allowed: boolean; reasons: GateCode[] };
  buy: { allowed: boolean; reasons: GateCode[]; max_units: number };
  distribute: { allowed: boolean; reasons: GateCode[] };
  reasons: GateReason[];       // every blocking reason; messageZh(reason) gives the page text
  changes_at_ms: number | null; // > now_ms; null when no time alone changes the answer
  region: { matched: string | null } | null;
  password: { pass_accepted: boolean; pass_signature_checked: boolean;
    pass: { program_id: number; user_id: number; expires_ms: number } | null;
    lock: PasswordLock } | null;
  countdown: CountdownPlan;
}
export interface CampaignDisplay {
  ok: true; rules_version: string;
  participants: { show: boolean; count: number; text: string | null };
  ticker: { show: boolean; entries: Array<{ name: string; at_ms: number;
    ago_unit: 'just_now' | 'minute' | 'hour' | 'day'; ago_value: number; ago_text: string }> };
  splash: { show: boolean };
}

export function loadEngine(options?: {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (file: string) => string;
  factory?: (opts: object) => Promise<object>;
}): Promise<Engine>;

export function messageZh(problem: Problem): string;
export function skipReasonZh(skip: Skip): string;

// --- Withdrawals (docs/withdrawals.md) ---
export type PayoutMethod = 'red_packet' | 'wechat_transfer' | 'bank' | 'alipay' | 'shop_balance';
export interface WithdrawalSettings {
  methods: PayoutMethod[];
  threshold_fen: number;   // default 100: below this available balance, it waits
  min_fen: number;         // default 100
  max_fen: number;         // default 2,000,000
  period: 'day' | 'week' | 'month';
  max_per_period: number;  // default 5
  fee: { rate_bp: number; min_fen: number; max_fen: number | null }; // default no fee
}
export type WithdrawalSettingsInput = Partial<Omit<WithdrawalSettings, 'fee'>> & { fee?: Partial<WithdrawalSettings['fee']> };
export interface WithdrawalRequest {
  settings?: WithdrawalSettingsInput;
  available_fen: number;
  amount_fen: number;      // leaves the wallet; the fee comes out of it
  method: PayoutMethod;
  now_ms: number;
  real_name?: boolean;
  /** Withdrawals not rejected, newest month at least: what each channel carried. */
  history?: { created_ms: number; method: PayoutMethod; net_fen: number }[];
}
export interface WithdrawalPreview {
  ok: true;
  allowed: boolean;
  reasons: Problem[];      // E_METHOD, E_THRESHOLD, E_MIN, E_MAX, E_INSUFFICIENT, E_FREQUENCY, E_FEE_EXCEEDS, E_METHOD_LIMIT, E_REAL_NAME
  amount_fen: number; amount_text: string;
  fee_fen: number; fee_text: string;
  net_fen: number; net_text: string;      // what arrives
  max_amount_fen: number; max_amount_text: string; // the most this method accepts now; 0 = none
  period: { start_ms: number; resets_ms: number; used: number; limit: number };
  payout: { channel: PayoutMethod; queued_until_ms: number | null; user_confirms: boolean; merchant_confirms: boolean };
  changes_at_ms: number | null;           // when a time-bound refusal lifts
  settings: WithdrawalSettings;
}

// --- Distributor applications (docs/applications.md) ---
export interface ApplicationConditions { phone_bound?: boolean; min_spent_fen?: number; min_orders?: number; tag?: string }
export interface ApplicantFacts { phone_bound?: boolean; spent_fen?: number; orders?: number; tags?: string[] }
export interface UnmetCondition extends Problem {
  code: 'E_APPLY_PHONE' | 'E_APPLY_SPENT' | 'E_APPLY_ORDERS' | 'E_APPLY_TAG';
  current: number | boolean | string[]; target: number | boolean | string;
  missing?: number;                                          // spent, orders
  current_text?: string; target_text?: string; missing_text?: string; // spent: "¥12.30"
}
export interface ApplicationVerdict {
  ok: true; allowed: boolean; reasons: UnmetCondition[];
  conditions: Required<ApplicationConditions>;
}

