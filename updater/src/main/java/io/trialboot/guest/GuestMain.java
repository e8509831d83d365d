package io.trialboot.guest;

import java.io.PrintStream;

/**
 * The guest's service JVM, started by the slot's init: bootctld, bundlemgrd, updated, then the
 * console. Any failure before the console is up exits non-zero, and init reboots (so stage 0
 * counts the try of a trial slot).
 */
public final class GuestMain {
    private GuestMain() {}

    public static void main(String[] args) throws Exception {
        PrintStream console = System.out;
        GuestPaths paths = GuestPaths.guest();
        Bootctld bootctld = new Bootctld(paths);
        bootctld.start(console);
        Bundlemgrd bundlemgrd = new Bundlemgrd(paths);
        bundlemgrd.start(bootctld.bootedSlot(), console);
        try (Updated updated = new Updated(paths, bootctld, bundlemgrd, Power.guest(), console)) {
            updated.start();
            new NxConsole(new NxClient(paths.socket()), console).run(System.in);
        }
    }
}
