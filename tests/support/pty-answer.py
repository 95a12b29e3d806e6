# Runs a command on a pseudo-terminal (so its stdin is a TTY) and, each time
# it prints PROMPT, types the current TOTP code of the base32 secret in
# $PTY_TOTP_SECRET (RFC 6238, SHA1, 6 digits, 30 s) and Enter. Prints what
# the command wrote and exits with its status. Test helper only.
import base64, hmac, os, pty, struct, sys, time

prompt = sys.argv[1].encode()
secret = base64.b32decode(os.environ["PTY_TOTP_SECRET"].upper() + "=" * (-len(os.environ["PTY_TOTP_SECRET"]) % 8))

def totp(now):
    digest = hmac.new(secret, struct.pack(">Q", int(now // 30)), "sha1").digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
seen = b""
answered = 0
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    if seen.count(prompt) > answered:
        answered += 1
        # A code with little time left may expire in flight: wait for the next window as a person would.
        now = time.time()
        if 30 - now % 30 < 4:
            time.sleep(30 - now % 30 + 0.2)
        os.write(fd, (totp(time.time()) + "\r").encode())
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
