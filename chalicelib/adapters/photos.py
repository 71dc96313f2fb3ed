"""Citizens' photos in S3: checked (a JPEG, PNG or WebP image of at most 4 MB), re-encoded with Pillow
as a JPEG of at most 2048 pixels a side, which drops every byte of metadata (EXIF GPS position, camera
serial, XMP), then stored privately; agencies get a presigned link that expires."""
from __future__ import annotations

import io

from chalicelib.services.ports import PhotoRejectedError
from chalicelib.settings import PHOTO_MAX_BYTES as MAX_BYTES
MAX_SIDE = 2048
FORMATS = {"JPEG", "PNG", "WEBP"}
LINK_SECONDS = 7 * 24 * 3600  # the longest a SigV4 presigned URL lives


def clean_photo(data: bytes) -> bytes:
    """The photo re-encoded as a JPEG without metadata, upright, at most MAX_SIDE pixels a side."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # imported here: only photo uploads pay for Pillow

    if not data:
        raise PhotoRejectedError("Foto kosong")
    if len(data) > MAX_BYTES:
        raise PhotoRejectedError(f"Foto terlalu besar (maksimal {MAX_BYTES // (1024 * 1024)} MB)")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise PhotoRejectedError("Foto harus berformat JPEG, PNG atau WebP")
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise PhotoRejectedError("Berkas bukan foto yang dapat dibaca") from None
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: nothing carried over
    return out.getvalue()


class S3PhotoStore:
    def __init__(self, client, bucket: str) -> None:
        self._client = client
        self._bucket = bucket

    def put(self, key: str, data: bytes) -> str:
        self._client.put_object(Bucket=self._bucket, Key=key, Body=clean_photo(data), ContentType="image/jpeg")
        return key

    def url(self, key: str) -> str:
        return self._client.generate_presigned_url("get_object", Params={"Bucket": self._bucket, "Key": key},
                                                   ExpiresIn=LINK_SECONDS)
