package io.imgboard.preprocessor.service;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order of one photo's requests, by partition and offset (the stored objects: PreprocessorPipelineTest). */
class RequestOrderTest {
    private final RequestOrder order = new RequestOrder();
    private final UUID photo = UUID.randomUUID();
    private final List<String> stored = new ArrayList<>();

    @Test
    void aHigherOffsetOnThePartitionOvertakesWhicheverIsTakenFirst() throws Exception {
        RequestOrder.Ticket newer = order.take(photo, 3, 11);
        RequestOrder.Ticket older = order.take(photo, 3, 10); // its worker thread came second

        assertTrue(order.overtaken(older));
        assertFalse(order.overtaken(newer));
        assertFalse(order.store(older, "older", () -> stored.add("older")));
        assertTrue(order.store(newer, "newer", () -> stored.add("newer")));
        assertEquals(List.of("newer"), stored);
    }

    @Test
    void theSameRequestDeliveredAgainAndOtherPhotosAreNotOvertaken() throws Exception {
        RequestOrder.Ticket first = order.take(photo, 0, 5);
        RequestOrder.Ticket again = order.take(photo, 0, 5);
        RequestOrder.Ticket other = order.take(UUID.randomUUID(), 0, 6);

        assertFalse(order.overtaken(first));
        assertFalse(order.overtaken(again));
        assertFalse(order.overtaken(other));
        assertFalse(order.overtaken(RequestOrder.Ticket.UNORDERED));
        assertTrue(order.store(RequestOrder.Ticket.UNORDERED, "unordered", () -> stored.add("unordered")));
    }

    @Test
    void onAnotherPartitionTheRequestTakenLastIsTheNewest() {
        RequestOrder.Ticket before = order.take(photo, 1, 900);
        RequestOrder.Ticket after = order.take(photo, 4, 2); // the topic was given more partitions

        assertTrue(order.overtaken(before));
        assertFalse(order.overtaken(after));
    }
}
