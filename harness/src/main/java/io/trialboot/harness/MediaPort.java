package io.trialboot.harness;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.qmp.QmpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The VM's USB hot-plug port and the media in it: plugged and pulled over QMP, and kept in across
 * guest resets, power cuts and snapshots (every new QEMU gets it on its command line). Not
 * thread-safe: {@link VmLifecycle} holds its lock around it.
 */
final class MediaPort {
    private final VmConfig config;
    private int plugs;
    private Path media;

    MediaPort(VmConfig config) {
        this.config = config;
    }

    /** The media in the port now, if any. */
    Optional<Path> media() {
        return Optional.ofNullable(media);
    }

    /** Hot-plugs {@code rawImage} (see {@link QemuVm#plugMedia}); {@code qmp} is asked only for a valid request. */
    void plug(Path rawImage, Supplier<QmpClient> qmp) {
        if (!config.hotplugPort() || config.attachMedia()) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID,
                    "plugMedia needs hotplugPort(true) and attachMedia(false) (@QemuTest(hotplugPort = true, media = false))");
        }
        if (!Files.isRegularFile(rawImage)) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID, "no media image at " + rawImage);
        }
        String node = QemuCommand.MEDIA_ID + "-node" + (++plugs);
        qmp.get().blockdevAddReadOnlyRaw(node, rawImage);
        qmp.get().deviceAdd("usb-storage", QemuCommand.MEDIA_ID, Map.of("drive", node, "bus", QemuCommand.HOTPLUG_PORT + ".0"));
        media = rawImage;
    }

    /** Pulls the media out. */
    void unplug(QmpClient qmp) {
        qmp.deviceDel(QemuCommand.MEDIA_ID);
        media = null;
    }

    /** The next QEMU boots with {@code next} in the port (a snapshot's), or with none. */
    void setForNextLaunch(Optional<Path> next) {
        media = next.orElse(null);
    }
}
