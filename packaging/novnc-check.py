#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Opens a noVNC page in headless Chromium, waits until the remote screen is drawn, saves a screenshot and
optionally types a key into it. For packaging/container-check.sh; Python's standard library only.

Chromium is driven over its DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages separated by
NUL bytes on descriptors 3 and 4), so no WebSocket client is needed. "Drawn" means noVNC says it is connected
and its canvas shows more than a handful of colours (a blank or black screen has one or two).

  novnc-check.py URL --screenshot out.png [--key ctrl+q] [--timeout 60]

Exit status: 0 drawn (and the key sent), 1 not drawn in time, 2 Chromium missing or broken.
"""
import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time

# Counts the distinct colours on a 40 x 40 grid over noVNC's canvas (same origin, so it can be read).
CANVAS_COLOURS = """(() => {
  if (!document.documentElement.classList.contains('noVNC_connected')) return -1;
  const c = document.querySelector('#noVNC_container canvas');
  if (!c || c.width < 2 || c.height < 2) return -2;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) {
    const i = 4 * (Math.floor(y * c.height / 40) * c.width + Math.floor(x * c.width / 40));
    seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  }
  return seen.size;
})()"""


class Browser:
    def __init__(self, binary, width, height):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # The child must see them as descriptors 3 and 4: moved out of the way first, in case one is 3 or 4.
        def arrange():
            read_end = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            write_end = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
             "--remote-debugging-pipe", f"--window-size={width},{height}", "--no-first-run", "about:blank"],
            preexec_fn=arrange, pass_fds=(3, 4),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url, width, height):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        # The page itself this size (the window's is less its frame), so the remote screen is not scaled.
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})

    def evaluate(self, expression):
        return self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})["result"].get("value")

    def key(self, spec):
        """A key with modifiers, e.g. ctrl+q, typed into noVNC's canvas as a person would: each modifier pressed
        first and released last (noVNC sends X key presses, so a modifier must arrive as its own key)."""
        *mods, key = spec.lower().split("+")
        names = {"alt": ("Alt", "AltLeft", 18, 1), "ctrl": ("Control", "ControlLeft", 17, 2),
                 "shift": ("Shift", "ShiftLeft", 16, 8)}
        # noVNC's canvas takes keys only while it has the focus: a page in headless Chromium is not focused by
        # default (focus emulation makes it so), and noVNC's own controls may hold the focus.
        self.send("Emulation.setFocusEmulationEnabled", {"enabled": True})
        focused = self.evaluate("(() => { const c = document.querySelector('#noVNC_container canvas');"
                                " c.focus(); return document.activeElement === c; })()")
        if not focused:
            raise RuntimeError("noVNC's canvas does not take the focus: the key would go elsewhere")
        held = 0
        for m in mods:
            name, code, vk, bit = names[m]
            held |= bit
            self.send("Input.dispatchKeyEvent", {"type": "rawKeyDown", "modifiers": held, "key": name, "code": code,
                                                 "windowsVirtualKeyCode": vk})
        code = f"Key{key.upper()}" if len(key) == 1 and key.isalpha() else key.capitalize()
        vk = ord(key.upper()) if len(key) == 1 else 0
        for kind in ("rawKeyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "modifiers": held, "key": key, "code": code,
                                                 "windowsVirtualKeyCode": vk})
        for m in reversed(mods):
            name, code, vk, bit = names[m]
            held &= ~bit
            self.send("Input.dispatchKeyEvent", {"type": "keyUp", "modifiers": held, "key": name, "code": code,
                                                 "windowsVirtualKeyCode": vk})

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except RuntimeError:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def find_chromium():
    for name in (os.environ.get("BEAM_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--key", help="a key to type once drawn, e.g. ctrl+q")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--settle", type=float, default=1,
                        help="seconds between the first drawn frame and the screenshot (default 1)")
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    binary = find_chromium()
    if not binary:
        print("novnc-check: no Chromium (set BEAM_CHROMIUM)", file=sys.stderr)
        return 2
    width, height = (int(v) for v in args.size.split("x"))
    browser = Browser(binary, width, height)
    try:
        browser.open(args.url, width, height)
        deadline = time.monotonic() + args.timeout
        colours = None
        while time.monotonic() < deadline:
            colours = browser.evaluate(CANVAS_COLOURS)
            if isinstance(colours, int) and colours > 20:
                break
            time.sleep(0.5)
        # Frame updates in flight land meanwhile, so the picture is whole (and a lesson may reach its moment).
        time.sleep(args.settle)
        browser.screenshot(args.screenshot)
        if not (isinstance(colours, int) and colours > 20):
            state = {-1: "not connected", -2: "no canvas"}.get(colours, f"{colours} colours")
            print(f"novnc-check: not drawn within {args.timeout:.0f} s ({state}); screenshot in {args.screenshot}",
                  file=sys.stderr)
            return 1
        print(f"novnc-check: connected and drawn ({colours} colours on a 40x40 grid); screenshot {args.screenshot}")
        if args.key:
            browser.key(args.key)
            time.sleep(0.5)  # the key's round trip before Chromium goes
            print(f"novnc-check: typed {args.key}")
        return 0
    except (RuntimeError, OSError) as error:
        print(f"novnc-check: {error}", file=sys.stderr)
        return 2
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
