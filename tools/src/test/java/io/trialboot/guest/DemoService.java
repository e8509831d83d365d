package io.trialboot.guest;

import java.util.List;

/** The test bundles' service (the guest's demo bundle is built by the image build): --ready, --never-ready, --fail. */
public final class DemoService implements BundleService {
    @Override
    public void start(List<String> args, Runnable ready) {
        switch (args.get(0)) {
            case "--ready" -> ready.run();
            case "--never-ready" -> { }
            case "--fail" -> throw new IllegalStateException("demo service told to fail");
            default -> throw new IllegalArgumentException("unknown option " + args);
        }
    }
}
