"""The benchmark: a synthetic hospital network (data.py), a load generator
that measures the real server (run.py), and the bare-Flask ceiling it is
compared with (baseline.py)."""
