"""Runs moto's server for the integration tests, one request at a time.

moto applies a conditional write or a transaction in several Python steps, and on a cancelled transaction it
restores a copy of the tables taken before the transaction started. Under the stock threaded server, concurrent
requests interleave those steps: two conditional writers can both win, and a cancelled transaction can undo
another request's write. DynamoDB makes every request atomic; serialising requests gives the tests the same
guarantee, so the concurrency tests exercise our conditions and not moto's races.

Usage: python moto_serialized.py HOST PORT
"""
import os
import sys
import threading

from werkzeug.serving import run_simple
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    # moto builds some URLs (SQS queue URLs, for one) from this.
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def one_at_a_time(environ, start_response):
        with lock:
            body = app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

    run_simple(host, port, one_at_a_time, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
