"""Screenshots as pixels: a small PNG (8-bit RGB/RGBA) and binary PPM reader,
a PNG writer, and the checks the system tests make on what the screen shows.

Python 3 standard library only.  Format problems raise ValueError; failed
checks raise AssertionError (a test failure)."""

import struct
import zlib
from pathlib import Path


class Screen:
    """RGB pixels of a screenshot, from PNG (8-bit RGB/RGBA) or binary PPM."""

    def __init__(self, width, height, rgb):
        self.width, self.height, self.rgb = width, height, rgb

    @classmethod
    def load(cls, path):
        data = Path(path).read_bytes()
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return cls._from_png(data)
        if data[:2] == b"P6":
            return cls._from_ppm(data)
        raise ValueError(f"{path}: not a PNG or PPM screenshot")

    @classmethod
    def _from_ppm(cls, data):
        fields, pos = [], 2
        while len(fields) < 3:
            while data[pos:pos + 1].isspace():
                pos += 1
            if data[pos:pos + 1] == b"#":
                pos = data.index(b"\n", pos) + 1
                continue
            start = pos
            while not data[pos:pos + 1].isspace():
                pos += 1
            fields.append(int(data[start:pos]))
        w, h, maxval = fields
        if maxval != 255:
            raise ValueError(f"PPM with maxval {maxval} not supported")
        pos += 1
        return cls(w, h, bytes(data[pos:pos + w * h * 3]))

    @classmethod
    def _from_png(cls, data):
        pos, idat, w = 8, b"", None
        while pos < len(data):
            n, typ = struct.unpack(">I4s", data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + n]
            pos += 12 + n
            if typ == b"IHDR":
                w, h, depth, ctype, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
                if depth != 8 or ctype not in (2, 6) or interlace:
                    raise ValueError(f"PNG depth {depth} type {ctype} not supported")
                bpp = 3 if ctype == 2 else 4
            elif typ == b"IDAT":
                idat += body
            elif typ == b"IEND":
                break
        raw = zlib.decompress(idat)
        stride = w * bpp
        out = bytearray()
        prev = bytearray(stride)
        for y in range(h):
            f = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            _unfilter(f, line, prev, bpp)
            out += line if bpp == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3)
            prev = line
        return cls(w, h, bytes(out))

    def to_png(self):
        rows = b"".join(b"\x00" + self.rgb[y * self.width * 3:(y + 1) * self.width * 3]
                        for y in range(self.height))

        def chunk(typ, body):
            return (struct.pack(">I", len(body)) + typ + body
                    + struct.pack(">I", zlib.crc32(typ + body) & 0xFFFFFFFF))
        return (b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.rgb[i:i + 3])

    def region(self, x0=0, y0=0, x1=None, y1=None):
        x1 = self.width if x1 is None else min(x1, self.width)
        y1 = self.height if y1 is None else min(y1, self.height)
        return [[self.pixel(x, y) for x in range(x0, x1)] for y in range(y0, y1)]

    def colors(self, **box):
        return {p for row in self.region(**box) for p in row}

    def is_blank(self, **box):
        """One colour everywhere in the box (black screen, or an empty one)."""
        return len(self.colors(**box)) <= 1

    def text_rows(self, min_transitions=8, **box):
        """Pixel rows that look like text: many colour changes along the row."""
        n = 0
        for row in self.region(**box):
            changes = sum(1 for a, b in zip(row, row[1:]) if a != b)
            if changes >= min_transitions:
                n += 1
        return n

    def assert_text(self, what, min_rows=4, **box):
        if self.is_blank(**box):
            raise AssertionError(f"{what}: the screen region {box or 'whole'} is uniformly "
                              f"{next(iter(self.colors(**box)), None)} ({self.width}x{self.height})")
        rows = self.text_rows(**box)
        if rows < min_rows:
            raise AssertionError(f"{what}: no text-like pattern in {box or 'whole screen'} "
                              f"({rows} pixel rows with detail, want >= {min_rows})")


def _unfilter(f, line, prev, bpp):
    n = len(line)
    if f == 0:
        return
    for i in range(n):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 0xFF
        elif f == 2:
            line[i] = (line[i] + b) & 0xFF
        elif f == 3:
            line[i] = (line[i] + ((a + b) >> 1)) & 0xFF
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pred) & 0xFF
        else:
            raise ValueError(f"PNG filter {f} unknown")
