import { spawnSync } from "node:child_process";

/**
 * A self-signed CA certificate (PEM) valid from `notBefore` to `notAfter`, made with Python's
 * cryptography package (moto's dependency, so present wherever the emulator suites run):
 * openssl 3.0's command line cannot date a certificate in the past.
 */
export function caCertificate(notBefore: Date, notAfter: Date, name = "test-ca"): string {
  const script = `
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
key = ec.generate_private_key(ec.SECP256R1())
subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, sys.argv[1])])
cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
  .serial_number(x509.random_serial_number())
  .not_valid_before(datetime.datetime.fromtimestamp(int(sys.argv[2]), datetime.timezone.utc))
  .not_valid_after(datetime.datetime.fromtimestamp(int(sys.argv[3]), datetime.timezone.utc))
  .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
  .sign(key, hashes.SHA256()))
sys.stdout.write(cert.public_bytes(serialization.Encoding.PEM).decode())
`;
  const seconds = (d: Date) => String(Math.floor(d.getTime() / 1000));
  const r = spawnSync("python3", ["-c", script, name, seconds(notBefore), seconds(notAfter)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`making a test certificate needs python3 with cryptography (moto's dependency): ${r.stderr}`);
  return r.stdout;
}

/** The data URL openshift-install writes a CA as. */
export const pemDataUrl = (pem: string) => `data:text/plain;charset=utf-8;base64,${Buffer.from(pem).toString("base64")}`;
