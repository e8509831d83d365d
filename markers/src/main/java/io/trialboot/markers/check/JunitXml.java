package io.trialboot.markers.check;

import io.trialboot.markers.ContractFailure;
import io.trialboot.markers.ContractMatcher;
import io.trialboot.markers.Step;
import io.trialboot.markers.StepResult;
import java.util.List;
import java.util.Optional;

/** One JUnit test case per contract step, for CI systems that show JUnit XML. */
final class JunitXml {
    private JunitXml() {
    }

    static String render(ContractMatcher matcher, String logName) {
        return render(matcher, logName, "markers." + matcher.contract().name());
    }

    /** The same with a suite name of the caller's (the CI gate names the run). */
    static String render(ContractMatcher matcher, String logName, String suite) {
        List<Step> steps = matcher.contract().steps();
        List<StepResult> results = matcher.results();
        Optional<ContractFailure> failure = matcher.failure();
        int failures = failure.isPresent() ? 1 : 0;
        int skipped = steps.size() - results.size() - failures;
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<testsuite name=\"").append(esc(suite)).append("\" tests=\"").append(steps.size())
                .append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"").append(skipped).append("\">\n");
        sb.append("  <properties><property name=\"serial.log\" value=\"").append(esc(logName)).append("\"/></properties>\n");
        for (Step step : steps) {
            String name = "step " + step.number() + " (boot " + step.boot() + "): "
                    + step.pattern().describe(matcher.captures());
            sb.append("  <testcase classname=\"").append(esc(suite)).append("\" name=\"").append(esc(name)).append('"');
            if (step.number() <= results.size()) {
                StepResult r = results.get(step.number() - 1);
                if (r.waited() != null) {
                    sb.append(" time=\"").append(MarkersCheck.seconds(r.waited()).replace(" s", "")).append('"');
                }
                sb.append("/>\n");
            } else if (failure.isPresent() && failure.get().step().number() == step.number()) {
                ContractFailure f = failure.get();
                sb.append(">\n    <failure type=\"").append(f.kind()).append("\" message=\"").append(esc(f.summary()))
                        .append("\">").append(esc(f.report()).replace("&#10;", "\n")).append("</failure>\n  </testcase>\n");
            } else {
                sb.append(">\n    <skipped message=\"not reached: the contract failed at an earlier step\"/>\n  </testcase>\n");
            }
        }
        return sb.append("</testsuite>\n").toString();
    }

    /** XML text and attribute escaping; control characters XML 1.0 cannot hold become '?'. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\n' -> sb.append("&#10;");
                case '\t' -> sb.append("&#9;");
                case '\r' -> sb.append("&#13;");
                default -> sb.append(c < 0x20 || c == 0xFFFE || c == 0xFFFF ? '?' : c);
            }
        }
        return sb.toString();
    }
}
