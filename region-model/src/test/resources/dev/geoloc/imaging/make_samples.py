"""Writes the binary samples the imaging tests cannot build with ImageIO: CMYK JPEG, WebP, little-endian TIFF.

Run with Debian's Pillow (apt install python3-pil; Pillow 9.4 made the committed files):
    /usr/bin/python3 make_samples.py
Every sample is 32 x 16 pixels, left half pure red, right half pure blue, the pattern the tests check.
"""
from PIL import Image

W, H = 32, 16


def halves(mode="RGB"):
    img = Image.new("RGB", (W, H), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, W // 2, H))
    return img.convert(mode)


# JPEG with 4 components and an Adobe APP14 marker (inverted CMYK, as Photoshop writes it).
halves("CMYK").save("cmyk.jpg", quality=95)
# WebP, one sample per first chunk: VP8 (lossy), VP8L (lossless), VP8X (lossy with an alpha channel).
halves().save("lossy.webp", quality=95)
halves().save("lossless.webp", lossless=True)
rgba = halves("RGBA")
rgba.putalpha(128)
rgba.save("alpha.webp", quality=95)
# Animated WebP (VP8X with the animation flag): two frames, the second mirrored.
halves().save("animated.webp", save_all=True, duration=100, loop=0,
              append_images=[halves().transpose(Image.FLIP_LEFT_RIGHT)])
# TIFF in Intel byte order ("II"; ImageIO writes only "MM"), LZW-compressed.
halves().save("little-endian.tif", compression="tiff_lzw")
