package io.trialboot.update;

/** One "core ready" check healthd polls: a service's RPC answer, a bundle's readiness, ... */
public interface Probe {
    enum Readiness { READY, NOT_YET, FAILED }

    String name();

    /** Must not block for long; called until READY or FAILED (both final). */
    Readiness poll();
}
