package io.trialboot.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Version;
import io.trialboot.tools.Packaging;
import io.trialboot.trust.Fixture;
import io.trialboot.trust.Trust;
import io.trialboot.trust.WitnessMode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The guest verifies with the JDK alone: the updater module (the guest's classpath) verifies a
 * signed system set in a loader that has neither BouncyCastle nor picocli nor the host tools, and
 * loads few classes doing it. (That the module cannot refer to them is the build's rule: updater's
 * pom allows no run-time dependency but markers and xz.)
 */
class GuestVerifyPathTest {
    private static Path classesDir() throws Exception {
        return Path.of(Trust.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Records every class it is asked for; BouncyCastle and picocli are not on its path at all. */
    static final class RecordingLoader extends URLClassLoader {
        final List<String> loaded = Collections.synchronizedList(new ArrayList<>());

        RecordingLoader(URL classes) {
            super(new URL[] {classes}, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            loaded.add(name);
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void verifiesASystemSetInALoaderWithoutBouncyCastle() throws Exception {
        Fixture f = new Fixture();
        byte[] admission = f.record(WitnessMode.SINGLE, 1, List.of(f.k1), List.of()).encode();
        byte[] admissionSig = Fixture.sign(admission, f.root);
        byte[] bundle = Bundle.pack("hello", Version.parse("1.0.0"), "dev", List.of(), "run", new byte[] {1, 2, 3});
        Path tmp = Files.createTempDirectory("guest-path");
        Path nxb = tmp.resolve("hello.nxb");
        Files.write(nxb, bundle);
        byte[] nxs = Packaging.systemSet(List.of(nxb), Version.parse("1.0.0"), "dev", List.of(f.k1));
        Files.delete(nxb);
        Files.delete(tmp);

        try (RecordingLoader loader = new RecordingLoader(classesDir().toUri().toURL())) {
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("org.bouncycastle.openssl.PEMParser"));
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("picocli.CommandLine"));
            loader.loaded.clear();

            Class<?> storeClass = loader.loadClass("io.trialboot.trust.TrustStore");
            Object store = storeClass.getMethod("of", List.class).invoke(null, List.of(f.root.publicKey()));
            Class<?> trustClass = loader.loadClass("io.trialboot.trust.Trust");
            Object trust = trustClass.getMethod("establish", storeClass, byte[].class, byte[].class)
                    .invoke(null, store, admission, admissionSig);
            Object verified = loader.loadClass("io.trialboot.format.SystemSet")
                    .getMethod("verify", InputStream.class, trustClass, Optional.class)
                    .invoke(null, new ByteArrayInputStream(nxs), trust, Optional.empty());
            Object index = verified.getClass().getMethod("index").invoke(verified);
            assertEquals("1.0.0", index.getClass().getMethod("version").invoke(index).toString());

            List<String> ours = loader.loaded.stream().filter(n -> n.startsWith("io.trialboot.")).distinct().sorted().toList();
            for (String n : loader.loaded) {
                assertFalse(n.startsWith("org.bouncycastle") || n.startsWith("picocli") || n.startsWith("io.trialboot.tools"),
                        "the verify path loaded " + n);
            }
            // The guest's verify path stays small; docs/formats.md lists it.
            assertTrue(ours.size() <= 48, ours.size() + " trialboot classes: " + ours);
            System.out.println("guest verify path: " + ours.size() + " trialboot classes " + ours);
        }
    }
}
