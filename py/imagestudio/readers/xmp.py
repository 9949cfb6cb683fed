"""XMP (RDF/XML) -> Findings, parsed with the standard library and no entity expansion."""

import functools
import re
import xml.etree.ElementTree as ET
from collections import Counter

from ..report import Finding, iso_datetime, shorten

# Larger packets (depth maps, gain maps) are only scanned for property names, not parsed.
PARSE_MAX_BYTES = 2 * 1024 * 1024
VALUES_PER_LABEL = 3  # distinct values shown per property; the rest are counted

# local property name -> (key, kind, label); namespace prefixes differ between writers, names do not.
PROPERTIES = {
    "GPSLatitude": ("gps_latitude", "location", "GPS latitude"),
    "GPSLongitude": ("gps_longitude", "location", "GPS longitude"),
    "GPSAltitude": ("gps_altitude", "location", "Altitude"),
    "GPSImgDirection": ("gps_direction", "location", "Camera direction"),
    "GPSTimeStamp": ("gps_time", "location", "GPS time"),
    "GPSDestLatitude": ("gps_other", "location", "GPS destination latitude"),
    "GPSDestLongitude": ("gps_other", "location", "GPS destination longitude"),
    "Location": ("place", "location", "Place"),
    "Sublocation": ("place", "location", "Place"),
    "City": ("place", "location", "City"),
    "State": ("place", "location", "State / province"),
    "ProvinceState": ("place", "location", "State / province"),
    "Country": ("place", "location", "Country"),
    "CountryName": ("place", "location", "Country"),
    "CountryCode": ("place", "location", "Country code"),
    "WorldRegion": ("place", "location", "Region"),
    "Make": ("make", "device", "Camera make"),
    "Model": ("model", "device", "Camera model"),
    "SerialNumber": ("serial", "device", "Body serial number"),
    "BodySerialNumber": ("serial", "device", "Body serial number"),
    "InternalSerialNumber": ("serial", "device", "Internal serial number"),
    "LensSerialNumber": ("lens_serial", "device", "Lens serial number"),
    "Lens": ("lens", "device", "Lens"),
    "LensModel": ("lens", "device", "Lens"),
    "LensID": ("lens", "device", "Lens"),
    "Firmware": ("firmware", "device", "Camera firmware"),
    "CreatorTool": ("software", "device", "Software"),
    "softwareAgent": ("software", "device", "Software"),
    "ImageUniqueID": ("image_id", "device", "Unique image ID"),
    "DocumentID": ("document_id", "device", "Document ID"),
    "OriginalDocumentID": ("document_id", "device", "Original document ID"),
    "InstanceID": ("document_id", "device", "Instance ID"),
    "documentID": ("document_id", "device", "Source document ID"),          # stRef: what this was made from
    "originalDocumentID": ("document_id", "device", "Original document ID"),
    "instanceID": ("document_id", "device", "Source instance ID"),
    "DateTimeOriginal": ("datetime_original", "time", "Taken"),
    "DateCreated": ("datetime_original", "time", "Created"),
    "CreateDate": ("datetime_digitized", "time", "Created"),
    "DateTimeDigitized": ("datetime_digitized", "time", "Digitised"),
    "ModifyDate": ("datetime", "time", "Modified"),
    "MetadataDate": ("datetime", "time", "Metadata modified"),
    "when": ("datetime", "time", "Edit history time"),
    "creator": ("artist", "people", "Creator"),
    "Artist": ("artist", "people", "Artist"),
    "Author": ("artist", "people", "Author"),
    "Owner": ("owner", "people", "Owner"),
    "OwnerName": ("owner", "people", "Camera owner"),
    "CameraOwnerName": ("owner", "people", "Camera owner"),
    "rights": ("copyright", "people", "Copyright"),
    "Copyright": ("copyright", "people", "Copyright"),
    "UsageTerms": ("copyright", "people", "Usage terms"),
    "Credit": ("credit", "people", "Credit"),
    "AuthorsPosition": ("credit", "people", "Author's job title"),
    "CiEmailWork": ("contact", "people", "Contact e-mail"),
    "CiTelWork": ("contact", "people", "Contact phone"),
    "CiAdrExtadr": ("contact", "people", "Contact address"),
    "CiAdrCity": ("contact", "people", "Contact city"),
    "CiUrlWork": ("contact", "people", "Contact web site"),
    "PersonInImage": ("person", "people", "Person in picture"),
    "PersonDisplayName": ("person", "people", "Person in picture"),
    "Name": ("person", "people", "Named region (face)"),
    "description": ("description", "text", "Description"),
    "title": ("title", "text", "Title"),
    "subject": ("keywords", "text", "Keywords"),
    "Headline": ("title", "text", "Headline"),
    "Instructions": ("comment", "text", "Instructions"),
    "UserComment": ("comment", "text", "User comment"),
    "Label": ("comment", "text", "Label"),
}
# "Name" is too common a word: it counts only inside face/region namespaces.
REGION_NAMESPACES = ("metadataworkinggroup.com/schemas/regions", "microsoft.com/photo")
# Embedded pictures inside XMP: (local name, namespace URI fragment, usual prefix) -> label.
# Embedded files, base64 in the packet: (local name, namespace fragment, prefix) -> (finding key, label)
PICTURES = {
    ("Data", "google.com/photos/1.0/depthmap", "GDepth"): ("xmp_picture", "Depth map"),
    ("Data", "google.com/photos/1.0/image", "GImage"): ("xmp_picture", "Hidden original picture"),
    ("Data", "google.com/photos/1.0/audio", "GAudio"): ("xmp_audio", "Embedded audio"),
}
NAMES = set(PROPERTIES) | {name for name, _fragment, _prefix in PICTURES}  # local names _finding() reads
RATIONAL_KEYS = {"gps_altitude", "gps_direction"}
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


@functools.lru_cache(maxsize=1024)  # a packet repeats the same few dozen names
def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _value(element) -> str:
    """Text of a property: direct text, or the items of an rdf:Alt/Seq/Bag joined."""
    items = [li.text.strip() for li in element.iter(f"{_RDF}li") if li.text and li.text.strip()]
    if items:
        return "; ".join(dict.fromkeys(items))
    return (element.text or "").strip()


def _xmp_coordinate(text: str) -> float | None:
    """XMP GPS: 'DDD,MM.mmk' or 'DDD,MM,SSk' with k in NSEW."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?\s*([NSEWnsew])\s*", text)
    if not m:
        return None
    value = float(m[1]) + float(m[2]) / 60 + float(m[3] or 0) / 3600
    return -value if m[4].upper() in "SW" else value


def _finding(ns: str, local: str, text: str, where: str) -> Finding | None:
    if local == "Name" and not any(r in ns for r in REGION_NAMESPACES):
        return None
    for (name, fragment, _prefix), (key, label) in PICTURES.items():
        if local == name and fragment in ns:
            return Finding("hidden", key, label, f"{len(text)} bytes (base64)", where)
    if local not in PROPERTIES or not text:
        return None
    key, kind, label = PROPERTIES[local]
    parsed: float | str | None = None
    if key in RATIONAL_KEYS and (number := _rational(text)) is not None:
        text, parsed = (f"{number:.1f} m" if key == "gps_altitude" else f"{number:.0f}°"), number
    elif key in ("gps_latitude", "gps_longitude"):
        parsed = _xmp_coordinate(text)
    elif kind == "time":
        parsed = iso_datetime(text)
    return Finding(kind, key, label, shorten(text), where, None, parsed)


def _rational(text: str) -> float | None:
    """XMP writes EXIF rationals as 'numerator/denominator'."""
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)(?:/(\d+))?\s*", text)
    if not m or m[2] == "0":
        return None
    return float(m[1]) / (int(m[2]) if m[2] else 1)


def _gps(found: list[Finding], where: str) -> list[Finding]:
    """Join XMP latitude and longitude into one position in decimal degrees, like EXIF's."""
    lat = next((f for f in found if f.key == "gps_latitude"), None)
    lon = next((f for f in found if f.key == "gps_longitude"), None)
    if lat and lon:
        la, lo = lat.parsed, lon.parsed
        if isinstance(la, float) and isinstance(lo, float):
            found = [f for f in found if f not in (lat, lon)]
            found.insert(0, Finding("location", "gps", "GPS position", f"{la:.6f}, {lo:.6f}", where, None, (la, lo)))
    return found


def _scan(packet: bytes, where: str) -> list[Finding]:
    """Fallback for packets too big or unsafe to parse: look for the property names."""
    found = []
    for name in ("GPSLatitude", "SerialNumber", "creator", "rights", "DateTimeOriginal", "CreateDate", "Make", "Model"):
        if re.search(rb"[:<]" + name.encode() + rb"[\s=>]", packet):
            key, kind, label = PROPERTIES[name]
            found.append(Finding(kind, key, label, "present (not parsed)", where))
    for (name, _fragment, prefix), (key, label) in PICTURES.items():
        if re.search(prefix.encode() + rb":" + name.encode() + rb"[\s=>]", packet):
            found.append(Finding("hidden", key, label, "present (not parsed)", where))
    return found


def read(packet: bytes, where: str = "XMP") -> list[Finding]:
    """Findings in one XMP packet; always includes one 'xmp' finding for the packet itself."""
    packet = bytes(packet).strip(b"\x00 \r\n\t")
    head = Finding("other", "xmp", "XMP metadata", f"{len(packet)} bytes", where)
    if len(packet) > PARSE_MAX_BYTES or _DECLARATION.search(packet):
        return [head, *_scan(packet, where)]
    try:
        root = ET.fromstring(packet.decode("utf-8", "replace"))
    except ET.ParseError:
        return [head, *_scan(packet, where)]
    found, seen = [], set()
    shown: Counter[str] = Counter()
    extra: Counter[tuple[str, str, str]] = Counter()
    for element in root.iter():
        ns, local = _split(element.tag)
        # Only names that can make a finding: _value() walks the element's whole subtree.
        candidates = [(ns, local, _value(element))] if local in NAMES else []
        for name, value in element.attrib.items():
            a_ns, a_local = _split(name)
            if a_local in NAMES:
                candidates.append((a_ns, a_local, value.strip()))
        for c_ns, c_local, text in candidates:
            f = _finding(c_ns, c_local, text, where)
            if not f or (f.key, f.value) in seen:
                continue
            seen.add((f.key, f.value))
            if shown[f.label] < VALUES_PER_LABEL:
                shown[f.label] += 1
                found.append(f)
            else:
                extra[(f.kind, f.key, f.label)] += 1
    # Edit histories repeat the same property dozens of times: show a few, count the rest.
    found += [Finding(kind, key, f"{label} (more)", f"{n} more value(s)", where)
              for (kind, key, label), n in extra.items()]
    return [head, *_gps(found, where)]
