/**
 * Boot control (bootctld): the boot-control file shared with stage 0
 * ({@link io.trialboot.bootctl.BootControlFile}, format frozen) and the operations on it
 * ({@link io.trialboot.bootctl.BootControl}: markInvalid, markVerified, setActive, confirm,
 * markBad, rollback, recordBoot).
 */
package io.trialboot.bootctl;
