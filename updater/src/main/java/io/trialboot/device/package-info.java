/**
 * Block devices and slots. Start with {@link io.trialboot.device.BlockDevice} (a partition, a file
 * window or a test device), {@link io.trialboot.device.FileBlockDevice} (host files and
 * {@code /dev/vdaN}), {@link io.trialboot.device.SlotDevices} (slot to device) and
 * {@link io.trialboot.device.SlotDigests} (streaming digest and read-back verification).
 */
package io.trialboot.device;
