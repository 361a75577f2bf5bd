package io.imgboard.ingest.service;

import io.imgboard.ingest.config.UploadConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The refused uploads list: what is still missing, per client (InterruptedUploadTest shows it end to end). */
class RejectionsTest {

    @Test
    void aFileArrivingSettlesOnlyItsOwnClientsSendAgainRefusals() {
        Rejections rejections = new Rejections(config(), new SimpleMeterRegistry());
        String anna = Rejections.client("anna-phone");
        String ben = Rejections.client("ben-phone");
        rejections.record(RejectionReason.TOO_MANY_AT_ONCE, "IMG_0001.JPG", "too many at once", anna);
        rejections.record(RejectionReason.TOO_MANY_AT_ONCE, "IMG_0001.JPG", "too many at once", ben);
        rejections.record(RejectionReason.NOT_AN_IMAGE, "IMG_0001.JPG", "not an image", anna);
        rejections.record(RejectionReason.INTERRUPTED, "IMG_0002.JPG", "cut off"); // who is not known

        rejections.arrived("IMG_0001.JPG", anna);
        rejections.arrived("IMG_0002.JPG", ben);

        assertEquals(List.of("not an image", "too many at once"),
                rejections.recent().stream().map(Rejections.Rejection::reason).toList(),
                "ben's 429 stays (his file has not come), and a refusal that said what was wrong stays");
        assertEquals(ben, rejections.recent().get(1).client());
    }

    private static UploadConfig config() {
        return (UploadConfig) Proxy.newProxyInstance(UploadConfig.class.getClassLoader(), new Class<?>[] {UploadConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "rejectionHistory" -> 100;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
