/**
 * The host state tree {@code /asl-host} (ENC-ASL-HOST/1) and the domain rules of ASL/HOST/1.
 *
 * <p>Start with {@link io.trialboot.hoststate.HostStateTree}: {@code create} lays down a fresh tree
 * at image build time, {@code open} is what the guest calls. {@link io.trialboot.hoststate.Domain}
 * gives the system domain's paths, descriptor ({@code domain.json}), snapshots and objects; its
 * {@link io.trialboot.hoststate.DomainState state} gates each
 * {@link io.trialboot.hoststate.Capability capability} with a documented {@code HOST_*} code.
 */
package io.trialboot.hoststate;
