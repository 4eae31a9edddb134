"""The web layer: one blueprint per domain, and what every page shares.

It sits on top of every domain: a view reads the request, calls one service
with plain values (links, the viewer's zone, the client address) and renders.
No domain imports this package.
"""
