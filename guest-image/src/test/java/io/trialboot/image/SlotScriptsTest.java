package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.guest.GuestMain;
import io.trialboot.markers.Marker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The slot's scripts name none of the files, paths, devices and classes {@link SlotScripts} renders
 * into them; GuestJdkTest runs the rendered scripts in a staged slot root.
 */
class SlotScriptsTest {
    @Test
    void theTemplatesNameNothingTheBuildRendersIntoThem() throws Exception {
        List<String> named = new ArrayList<>();
        for (String script : SlotScripts.LAYOUT.values()) {
            String template = Files.readString(Path.of("src/main/slot", script));
            for (Map.Entry<String, String> v : SlotScripts.values().entrySet()) {
                // The host name is the project's name too, which the scripts' comments use: the rendered init is checked below.
                // The exit status is a digit: the case label is checked below.
                if (!v.getKey().equals("@HOSTNAME@") && !v.getKey().equals("@EXIT_HARD_FAILURE@")
                        && template.contains(v.getValue())) {
                    named.add(script + " names " + v.getValue() + " (" + v.getKey() + ")");
                }
            }
            SlotScripts.render(script, template); // every placeholder known
        }
        assertEquals(List.of(), named);
    }

    @Test
    void theRenderedInitStartsTheGuestJvmAndMountsTheMedia() throws Exception {
        String init = SlotScripts.render("trialboot-init", Files.readString(Path.of("src/main/slot/trialboot-init")));
        assertTrue(init.contains("\n/usr/bin/java $jvm_options -cp \"$classpath\" io.trialboot.guest.GuestMain\n"), init);
        assertTrue(init.contains("read -r classpath < /opt/trialboot/classpath\n"), init);
        assertTrue(init.contains("mount -t ext4 -o ro,noatime,nodev,nosuid,noexec /dev/vdb /media "), init);
        assertTrue(init.contains("\necho trialboot > /proc/sys/kernel/hostname\n"), init);
    }

    @Test
    void theTemplateWritesNoneOfItsLinesNorTheStatusItActsOn() throws Exception {
        String template = Files.readString(Path.of("src/main/slot/trialboot-init"));
        assertFalse(template.contains("trialboot-init: "), "trialboot-init writes a line the catalog holds");
        assertFalse(Pattern.compile("(?m)^\\s*[1-9][0-9]*\\)$").matcher(template).find(), "a case label names an exit status");
    }

    /** The rendered init's {@code case} on the guest JVM's status, run by the host's sh with each status. */
    @Test
    void theRenderedInitPrintsTheCatalogsLineForEachExitStatus() throws Exception {
        String init = SlotScripts.render("trialboot-init", Files.readString(Path.of("src/main/slot/trialboot-init")));
        String cases = init.substring(init.indexOf("case " + SlotScripts.EXIT_STATUS + " in"), init.indexOf("\nesac\n") + 5);
        assertEquals(Marker.SLOT_INIT_STOPPED.line(), runCase(cases, 0));
        assertEquals(Marker.SLOT_INIT_HARD_FAILURE.line(GuestMain.EXIT_HARD_FAILURE), runCase(cases, GuestMain.EXIT_HARD_FAILURE));
        assertEquals(Marker.SLOT_INIT_FAILED.line(GuestMain.EXIT_RETRY), runCase(cases, GuestMain.EXIT_RETRY));
        assertEquals(Marker.SLOT_INIT_FAILED.line(134), runCase(cases, 134));
        int media = init.indexOf("|| echo ") + 3;
        assertEquals(Marker.SLOT_INIT_NO_MEDIA.line(MediaImage.GUEST_DEVICE), runCase(init.substring(media, init.indexOf('\n', media)), 0));
    }

    /** What {@code cases} prints with the status's variable set to {@code status}; sync and reboot do nothing. */
    private static String runCase(String cases, int status) throws Exception {
        String script = "sync() { :; }\nreboot() { :; }\n" + SlotScripts.EXIT_STATUS.substring(1) + "=" + status + "\n" + cases;
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void aPlaceholderTheBuildDoesNotKnowFailsIt() {
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> SlotScripts.render("nx", "exec @JAVA@ @JAVA_HOME@/bin/x\n"));
        assertEquals("slot script nx names @JAVA_HOME@, which SlotScripts does not render", e.getMessage());
    }
}
