/**
 * The guest services, run in one JVM started by the slot's init (SPEC §2.4).
 *
 * <p>Start with {@link io.trialboot.guest.GuestMain}: it wires the real edges (paths, slot devices
 * {@code /dev/vda2}/{@code /dev/vda3}, {@code reboot -f}, the clock) into {@code Guest}, which runs
 * one boot in order: {@code Bootctld} (records the boot through {@code UpdateEngine.onBoot}, a
 * stage-0 fallback as a rollback), {@code Bundlemgrd} (verifies and extracts the slot's signed
 * system set, publishes the slot, starts each bundle's {@link io.trialboot.guest.BundleService}),
 * {@code Updated} (the local RPC on a Unix socket, backed by {@code UpdateService}), {@code Healthd}
 * (decides a trial boot through the engine's {@code HealthGate}) and, when the kernel command line
 * says {@code trialboot.selftest=ota}, {@code Selftest}. Then the console {@code NxConsole};
 * {@link io.trialboot.guest.NxClient} is the same {@code nx} CLI as a separate process.
 *
 * <p>The RPC vocabulary has one home, {@code RpcOperation} (wire name, {@code nx} words, argument,
 * usage), read by {@code Updated} and {@code NxClient}; {@link io.trialboot.guest.StatusReply}
 * and {@code InstallReply} write and read their replies' {@code key=value} lines.
 *
 * <p>Every marker is printed from the catalog ({@code io.trialboot.markers.Marker}) and only after
 * the state change it reports is durable. Exit status of the JVM: 0 (services ran; init then leaves
 * a shell), 1 (init reboots: stage 0 counts the try of a trial slot or the start of the active
 * one), 3 (the active slot's files read but it cannot start: init leaves a shell for a person).
 */
package io.trialboot.guest;
