"""Pixel operations, one module per step, each a pure function (image, options, name) -> image.

Pipeline order (process.py): decode -> orient -> crop -> resize -> watermark -> encode (encode/).
"""
