import type { SimResponse } from "../contract.js";
import { type Outbox, queueCallback } from "../sandbox/runtime.js";
import type { Deposit, DepositStatus } from "./wire.js";

/** Records and answers shared by the PawaPay sandbox's API and its hosted Payment Page. */
export const DIAL_CODE: Record<string, string> = {
  CIV: "225",
  SEN: "221",
  CMR: "237",
  BEN: "229",
  BFA: "226",
  GHA: "233",
  KEN: "254",
  UGA: "256",
  ZMB: "260",
  RWA: "250",
};

export interface DepositRecord extends Outbox {
  kind: "deposit";
  deposit: Deposit;
  /** Status the simulated customer reaches when the record falls due. */
  due: DepositStatus | null;
  /** A deposit nobody approves FAILS then (epoch ms; PAYMENT_NOT_APPROVED), as PawaPay's do. */
  deadline?: number | null;
  refunded: number;
  /** Its refunds (each a record of its own), so what is left counts only those not failed. */
  refund_ids?: string[];
}

/** A callback is owed for the deposit's current (final) status: PawaPay posts the deposit itself. */
export const queueDepositCallback = (r: DepositRecord) => queueCallback(r, JSON.stringify(r.deposit));

export const ok = (body: unknown): SimResponse => ({ status: 200, body });
export const failure = (status: number, failureCode: string, failureMessage: string): SimResponse => ({
  status,
  body: { failureReason: { failureCode, failureMessage } },
});
export const rejected = (depositId: string, failureCode: string, failureMessage: string): SimResponse =>
  ok({ depositId, status: "REJECTED", created: new Date().toISOString(), failureReason: { failureCode, failureMessage } });
