# The strings record.h #defines, read out of it: the one place that names the
# message ids and fields of tarpit's records.  For rig/make-export beside it, and
# the tests' readers of an export (tests/report-data).
import os
import re

RECORD_H = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "record.h")


def strings():
    with open(RECORD_H) as f:
        return dict(re.findall(r'^#define (\w+)\s+"([^"]*)"', f.read(), re.M))


_names = strings()
CONNECT = _names["MESSAGE_ID_CONNECT"]
DISCONNECT = _names["MESSAGE_ID_DISCONNECT"]
