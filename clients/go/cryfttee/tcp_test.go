package cryfttee

// The same client over TCP and TLS: --api-transport http|https on a loopback port the daemon
// picks. The TCP API checks Host and Content-Type, which the client must satisfy; over https the
// client checks the daemon's certificate with Options.TLSConfig.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// tcpDaemon starts a daemon on 127.0.0.1:0 with transport (and extra flags) and returns it with
// the address it bound.
func tcpDaemon(t *testing.T, transport string, extra ...string) (*daemon, string) {
	t.Helper()
	build := buildDir(t)
	dir := t.TempDir()
	args := append([]string{"--api-transport", transport, "--http-addr", "127.0.0.1:0"}, extra...)
	d, err := spawnDaemon(build, dir, filepath.Join(dir, "unused.sock"), true, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.stop)
	listening := regexp.MustCompile(`API listening: transport=` + transport + ` endpoint=(127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(d.log()); m != nil {
			return d, m[1]
		}
		select {
		case <-d.done:
			t.Fatalf("the daemon exited; log:\n%s", d.log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no listening line; log:\n%s", d.log())
		}
	}
}

// signOnce registers a BLS key and signs with it: a POST with a body, as a node makes them.
func signOnce(t *testing.T, c *Client) {
	t.Helper()
	reg, err := c.RegisterBLS(ctx(t), BLSRegisterRequest{Mode: ModeGenerate})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := c.SignBLS(ctx(t), BLSSignRequest{KeyHandle: reg.KeyHandle, Message: []byte("over tcp")})
	if err != nil || len(sig.Signature) != 96 {
		t.Fatalf("sign: %v", err)
	}
}

func TestHTTPBaseURL(t *testing.T) {
	_, addr := tcpDaemon(t, "http")
	c, err := NewHTTP("http://"+addr+"/ignored/path", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	signOnce(t, c)
	conn, err := c.Connection(ctx(t))
	if err != nil || conn.Transport != "http" || conn.Endpoint != addr {
		t.Fatalf("connection over TCP %+v, %v", conn, err)
	}
	if _, err := NewHTTP("ftp://"+addr, Options{}); err == nil {
		t.Fatal("an ftp base URL was accepted")
	}
}

// selfSigned writes a P-256 certificate for 127.0.0.1 and its key, and returns the certificate.
func selfSigned(t *testing.T, dir string) (*x509.Certificate, string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "cryfttee go client test"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath := filepath.Join(dir, "api.crt"), filepath.Join(dir, "api.key")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), 0o600); err != nil {
		t.Fatal(err)
	}
	return cert, certPath, keyPath
}

func TestHTTPSBaseURL(t *testing.T) {
	cert, certPath, keyPath := selfSigned(t, t.TempDir())
	_, addr := tcpDaemon(t, "https", "--tls-cert", certPath, "--tls-key", keyPath)

	pool := x509.NewCertPool()
	pool.AddCert(cert)
	c, err := NewHTTP("https://"+addr, Options{TLSConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	signOnce(t, c)
	conn, err := c.Connection(ctx(t))
	if err != nil || conn.Transport != "https" {
		t.Fatalf("connection over TLS %+v, %v", conn, err)
	}

	// A client that does not trust the certificate fails the handshake, once: a TLS failure will
	// not get better by retrying.
	var log retryLog
	untrusting, _ := NewHTTP("https://"+addr, Options{Retry: log.policy(10*time.Millisecond, time.Second, 5)})
	defer untrusting.Close()
	_, err = untrusting.Status(ctx(t))
	var te *TransportError
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &te) || te.Retryable || te.Attempts != 1 || !errors.As(err, &unknown) || log.count() != 0 {
		t.Fatalf("want one unretried certificate failure, got %v (retries %d)", err, log.count())
	}
}
