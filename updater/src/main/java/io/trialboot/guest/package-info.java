/**
 * The guest services, run in one JVM started by the slot's init (SPEC §2.4).
 *
 * <p>{@link io.trialboot.guest.GuestMain} starts, in order, {@link io.trialboot.guest.Bootctld}
 * (owner of the boot-control state), {@link io.trialboot.guest.Bundlemgrd} (publishes the booted
 * slot) and {@link io.trialboot.guest.Updated} (local RPC on a Unix socket), each printing its
 * marker only once it is actually up, then hands the console to {@link io.trialboot.guest.NxConsole}.
 * {@link io.trialboot.guest.NxClient} is the same {@code nx} CLI as a separate process.
 */
package io.trialboot.guest;
