package org.appban.notice;

import java.util.ArrayList;
import java.util.List;

/** Keeps the requests, in order, for tests and for the rehearsal to hand to {@link NotifyMembers#request}. */
public final class InMemoryNoticeRequests implements NoticeRequests {
    private final List<NoticeRequest> requests = new ArrayList<>();

    @Override
    public synchronized void request(NoticeRequest request) {
        requests.add(request);
    }

    public synchronized List<NoticeRequest> requested() {
        return List.copyOf(requests);
    }

    /** Returns and forgets what was requested so far. */
    public synchronized List<NoticeRequest> drain() {
        List<NoticeRequest> out = List.copyOf(requests);
        requests.clear();
        return out;
    }
}
