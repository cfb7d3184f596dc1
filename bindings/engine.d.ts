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

export interface Engine {
  EngineError: typeof EngineError;
  version(): { ok: true; engine: string; max_depth: number; compliance_cap_bp: number };
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
}

export function loadEngine(options?: {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (file: string) => string;
  factory?: (opts: object) => Promise<object>;
}): Promise<Engine>;

export function messageZh(problem: Problem): string;
export function skipReasonZh(skip: Skip): string;
