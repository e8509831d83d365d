package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassArchiveTest {

    @Test
    void theClassListKeepsTheBuiltInLoadersClassesSortedWithoutIds() {
        List<String> dumped = List.of(
                "# NOTE: Do not modify this file.",
                "#",
                "io/trialboot/guest/GuestMain id: 564",
                "java/lang/Object id: 0",
                "@lambda-proxy io/trialboot/guest/Guest run ()Ljava/lang/Runnable; ()V REF_invokeStatic x ()V ()V",
                "io/trialboot/demo/HelloService id: 1401 super: 0 interfaces: 1399 source: /run/trialboot/bundles/hello/payload.jar",
                "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic L6_L",
                "io/trialboot/guest/GuestMain id: 700",
                "");
        assertEquals(List.of(
                "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic L6_L",
                "@lambda-proxy io/trialboot/guest/Guest run ()Ljava/lang/Runnable; ()V REF_invokeStatic x ()V ()V",
                "io/trialboot/guest/GuestMain",
                "java/lang/Object"), ClassArchive.classList(dumped));
    }

    /** The training boot applies no update: the apply's classes are added from the jars, by package. */
    @Test
    void theApplysClassesAreTakenFromTheJarsByPackage() {
        assertEquals(List.of("io/trialboot/delta/DeltaApplier", "org/tukaani/xz/LZMA2InputStream",
                "io/trialboot/verity/VerityTree$Builder"), ClassArchive.applyClasses(List.of("META-INF/MANIFEST.MF",
                "io/trialboot/delta/DeltaApplier.class", "io/trialboot/guest/GuestMain.class", "module-info.class",
                "org/tukaani/xz/LZMA2InputStream.class", "org/tukaani/xz/", "io/trialboot/verity/VerityTree$Builder.class")));
    }

    @Test
    void theGuestMapsTheArchiveItsSlotCarries() {
        assertEquals("-XX:SharedArchiveFile=/" + ClassArchive.ARCHIVE, ClassArchive.RUNTIME_OPTIONS.get(0));
    }
}
