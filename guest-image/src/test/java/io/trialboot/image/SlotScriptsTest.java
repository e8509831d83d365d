package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
                if (!v.getKey().equals("@HOSTNAME@") && template.contains(v.getValue())) {
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
    void aPlaceholderTheBuildDoesNotKnowFailsIt() {
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> SlotScripts.render("nx", "exec @JAVA@ @JAVA_HOME@/bin/x\n"));
        assertEquals("slot script nx names @JAVA_HOME@, which SlotScripts does not render", e.getMessage());
    }
}
