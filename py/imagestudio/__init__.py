"""Image Studio engine: inspect, clean and process images with Pillow.

The same package runs in the browser (Pyodide) and in plain CPython; `api.handle`
is the single entry point for the web worker, the tests and the command line.
"""

__version__ = "0.1.0"
