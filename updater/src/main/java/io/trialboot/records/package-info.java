/**
 * The records the device writes, as JSON a person can read: the hash-chained history
 * ({@link io.trialboot.records.HistoryLog}), one {@link io.trialboot.records.UpdateReceipt} per
 * install attempt ({@link io.trialboot.records.ReceiptStore}) and {@code nx selfcheck}'s
 * {@link io.trialboot.records.HostStatus}; {@link io.trialboot.core.Json} is their encoder.
 */
package io.trialboot.records;
