/**
 * The records the device writes, as JSON a person can read: the hash-chained history
 * ({@link io.trialboot.records.HistoryLog}), one {@link io.trialboot.records.UpdateReceipt} per
 * install attempt ({@link io.trialboot.records.ReceiptStore}) and {@code nx selfcheck}'s
 * {@link io.trialboot.records.HostStatus}; {@link io.trialboot.core.Json} is their encoder. History
 * lines name a {@link io.trialboot.records.HistoryEvent} (which knows the transitions) with
 * {@link io.trialboot.records.HistoryFields} in order.
 */
package io.trialboot.records;
