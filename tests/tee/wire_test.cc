// The enclave wire codec (tee/wire.h, tee/wire_messages.h): every request and answer survives a
// round trip, and truncated, trailing, oversized, unknown and out-of-order input is refused
// with its code.
#include <gtest/gtest.h>

#include "tee/wire.h"
#include "tee/wire_messages.h"

namespace cryfttee::tee::wire {
namespace {

Header RequestHeader(Op op, uint32_t id, size_t size) {
  return Header{Kind::kRequest, op, id, static_cast<uint32_t>(size)};
}

Request RoundTrip(const Request& q) {
  Bytes payload = EncodeRequest(q);
  EXPECT_LE(payload.size(), MaxPayload(Kind::kRequest, q.op));
  auto back = DecodeRequest(q.op, payload);
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  return back.ok() ? std::move(back).value() : Request{};
}

TEST(WireHeader, RoundTripsAndChecksEveryField) {
  Header h{Kind::kResponse, Op::kSignBls, 0xDEADBEEF, 97};
  auto bytes = EncodeHeader(h);
  auto back = DecodeHeader(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->kind, Kind::kResponse);
  EXPECT_EQ(back->op, Op::kSignBls);
  EXPECT_EQ(back->request_id, 0xDEADBEEFu);
  EXPECT_EQ(back->payload_size, 97u);

  auto bad = bytes;
  bad[0] = 'X';
  EXPECT_EQ(DecodeHeader(bad).status().code(), "enclave_protocol");
  bad = bytes;
  bad[4] = kProtocolVersion + 1;
  EXPECT_EQ(DecodeHeader(bad).status().code(), "enclave_protocol_version");
  bad = bytes;
  bad[5] = 3;
  EXPECT_EQ(DecodeHeader(bad).status().code(), "enclave_protocol");
  bad = bytes;
  bad[7] = 99;
  EXPECT_EQ(DecodeHeader(bad).status().code(), "enclave_protocol");
  EXPECT_EQ(DecodeHeader(ByteSpan(bytes.data(), 15)).status().code(), "enclave_protocol");
  bad = bytes;
  bad[7] = kLastKmsOp + 1;  // past the KMS range
  EXPECT_EQ(DecodeHeader(bad).status().code(), "enclave_protocol");
  bad[7] = kFirstKmsOp - 1;  // between the key ops and the KMS range
  EXPECT_EQ(DecodeHeader(bad).status().code(), "enclave_protocol");
}

// The KMS ops (0x20..0x27) are opaque here: the payload goes through unchanged, bounded by
// kMaxKmsPayload, and the answer is the ok byte plus the handler's bytes (or an error).
TEST(WireKms, PayloadsAreOpaqueAndBounded) {
  for (uint16_t v = kFirstKmsOp; v <= kLastKmsOp; ++v) {
    Op op = static_cast<Op>(v);
    EXPECT_TRUE(IsKmsOp(op));
    EXPECT_NE(OpName(op), "unknown");
    EXPECT_EQ(MaxPayload(Kind::kRequest, op), kMaxKmsPayload);
    EXPECT_TRUE(DecodeHeader(EncodeHeader(RequestHeader(op, 1, kMaxKmsPayload))).ok());
    EXPECT_EQ(DecodeHeader(EncodeHeader(RequestHeader(op, 1, kMaxKmsPayload + 1))).status().code(),
              "enclave_frame_too_large");
    Request r;
    r.op = op;
    r.data = {1, 2, 3, 0, 0xff};
    Bytes payload = EncodeRequest(r);
    EXPECT_EQ(payload, r.data);
    auto back = DecodeRequest(op, payload);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->data, r.data);
    EXPECT_TRUE(DecodeRequest(op, {}).ok());  // empty is the handler's to judge
  }
  EXPECT_FALSE(IsKmsOp(Op::kExportEip2335));
  Bytes answer = EncodeOpaque(Bytes{9, 8});
  EXPECT_EQ(DecodeOpaque(answer).value(), (Bytes{9, 8}));
  EXPECT_EQ(DecodeOpaque(EncodeOpaque({})).value(), Bytes{});
  auto error = DecodeOpaque(EncodeError(Status::FailedPrecondition("kms_not_started", "m")));
  EXPECT_EQ(error.status().code(), "kms_not_started");
  EXPECT_EQ(DecodeOpaque({}).status().code(), "enclave_protocol");
  EXPECT_EQ(DecodeOpaque(Bytes{7, 1}).status().code(), "enclave_protocol");  // unknown tag
}

TEST(WireHeader, OversizedPayloadIsRefusedFromTheHeaderAlone) {
  for (Op op : {Op::kHello, Op::kGet, Op::kSignBls, Op::kImportEip2335}) {
    size_t max = MaxPayload(Kind::kRequest, op);
    EXPECT_TRUE(DecodeHeader(EncodeHeader(RequestHeader(op, 1, max))).ok());
    auto over = DecodeHeader(EncodeHeader(RequestHeader(op, 1, max + 1)));
    EXPECT_EQ(over.status().code(), "enclave_frame_too_large") << OpName(op);
  }
  EXPECT_EQ(MaxPayload(Kind::kRequest, Op::kHello), 0u);
  EXPECT_GT(MaxPayload(Kind::kRequest, Op::kSignBls), kMaxMessage);
  // A 4 GiB length never reaches an allocation.
  Header huge = RequestHeader(Op::kSignBls, 1, 0);
  huge.payload_size = 0xFFFFFFFF;
  EXPECT_EQ(DecodeHeader(EncodeHeader(huge)).status().code(), "enclave_frame_too_large");
}

TEST(WireRequest, EveryOpRoundTrips) {
  Request gen;
  gen.op = Op::kGenerate;
  gen.key_type = keys::KeyType::kP256;
  gen.label = "node tls";
  Request g = RoundTrip(gen);
  EXPECT_EQ(g.key_type, keys::KeyType::kP256);
  EXPECT_EQ(g.label, "node tls");

  Request imp;
  imp.op = Op::kImport;
  imp.key_type = keys::KeyType::kSecp256k1;
  imp.secret = SecretBytes(Bytes(32, 7));
  imp.label = "x";
  Request i = RoundTrip(imp);
  EXPECT_EQ(i.key_type, keys::KeyType::kSecp256k1);
  EXPECT_EQ(Bytes(i.secret.span().begin(), i.secret.span().end()), Bytes(32, 7));

  Request ks;
  ks.op = Op::kImportEip2335;
  ks.keystore = SecretBytes(AsBytes("{\"crypto\":{}}"));
  ks.password = SecretBytes(AsBytes("pw"));
  Request k = RoundTrip(ks);
  EXPECT_EQ(k.keystore.size(), 13u);
  EXPECT_EQ(k.password.size(), 2u);

  Request sign;
  sign.op = Op::kSignBls;
  sign.handle = "bls-0123456789abcdef";
  sign.dst = keys::BlsDst::kProofOfPossession;
  sign.data = Bytes(1000, 0xAB);
  Request s = RoundTrip(sign);
  EXPECT_EQ(s.handle, sign.handle);
  EXPECT_EQ(s.dst, keys::BlsDst::kProofOfPossession);
  EXPECT_EQ(s.data, sign.data);

  Request cert;
  cert.op = Op::kIssueCertificate;
  cert.handle = "p256-1";
  cert.csr_pem = "-----BEGIN CERTIFICATE REQUEST-----";
  cert.certificate.common_name = "node";
  cert.certificate.not_after = 4102444800;
  Request c = RoundTrip(cert);
  EXPECT_EQ(c.csr_pem, cert.csr_pem);
  EXPECT_EQ(c.certificate.common_name, "node");
  EXPECT_FALSE(c.certificate.not_before.has_value());
  EXPECT_EQ(c.certificate.not_after, 4102444800);

  Request tls;
  tls.op = Op::kRegisterTls;
  tls.key_type = keys::KeyType::kSecp256k1;
  tls.secret = SecretBytes(Bytes(32, 5));
  tls.label = "node";
  tls.csr_pem = "-----BEGIN CERTIFICATE REQUEST-----";
  tls.certificate.common_name = "cn";
  Request t = RoundTrip(tls);
  EXPECT_EQ(t.key_type, keys::KeyType::kSecp256k1);
  EXPECT_EQ(t.secret.size(), 32u);
  EXPECT_EQ(t.label, "node");
  EXPECT_EQ(t.csr_pem, tls.csr_pem);
  EXPECT_EQ(t.certificate.common_name, "cn");

  Request exp;
  exp.op = Op::kExportEip2335;
  exp.handle = "";  // a fresh key
  exp.password = SecretBytes(AsBytes("transfer"));
  exp.iterations = 16384;
  Request x = RoundTrip(exp);
  EXPECT_TRUE(x.handle.empty());
  EXPECT_EQ(x.password.size(), 8u);
  EXPECT_EQ(x.iterations, 16384u);

  Request quote;
  quote.op = Op::kQuote;
  quote.data = Bytes(64, 1);
  EXPECT_EQ(RoundTrip(quote).data, Bytes(64, 1));

  for (Op op : {Op::kHello, Op::kList}) {
    Request empty;
    empty.op = op;
    EXPECT_TRUE(EncodeRequest(empty).empty());
    RoundTrip(empty);
  }
}

TEST(WireRequest, MalformedPayloadsAreRefused) {
  Request sign;
  sign.op = Op::kSignEcdsaDigest;
  sign.handle = "p256-1";
  sign.data = Bytes(32, 1);
  Bytes good = EncodeRequest(sign);
  // Every truncation, and one trailing byte.
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_EQ(DecodeRequest(Op::kSignEcdsaDigest, ByteSpan(good.data(), n)).status().code(),
              "enclave_protocol")
        << n;
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(DecodeRequest(Op::kSignEcdsaDigest, trailing).status().code(), "enclave_protocol");
  // A field longer than its bound (a 129-byte handle).
  Writer w;
  w.String(std::string(kMaxHandle + 1, 'h'));
  EXPECT_EQ(DecodeRequest(Op::kGet, w.data()).status().code(), "enclave_protocol");
  // Unknown key type, bad dst, report data of the wrong size, a non-empty hello.
  Writer bad_type;
  bad_type.U8(9);
  bad_type.String("");
  EXPECT_EQ(DecodeRequest(Op::kGenerate, bad_type.data()).status().code(), "enclave_protocol");
  Writer bad_dst;
  bad_dst.String("bls-1");
  bad_dst.U8(2);
  bad_dst.Bytes(Bytes(3));
  EXPECT_EQ(DecodeRequest(Op::kSignBls, bad_dst.data()).status().code(), "enclave_protocol");
  Writer short_rd;
  short_rd.Bytes(Bytes(63));
  EXPECT_EQ(DecodeRequest(Op::kQuote, short_rd.data()).status().code(), "enclave_protocol");
  EXPECT_EQ(DecodeRequest(Op::kHello, Bytes{0}).status().code(), "enclave_protocol");
  // A boolean that is neither 0 nor 1.
  Writer bad_bool;
  bad_bool.String("p256-1");
  bad_bool.String("cn");
  bad_bool.U8(2);
  bad_bool.I64(0);
  bad_bool.U8(0);
  bad_bool.I64(0);
  EXPECT_EQ(DecodeRequest(Op::kCreateSelfSignedCertificate, bad_bool.data()).status().code(),
            "enclave_protocol");
  // An absent optional with a value: two encodings of one request (found by the fuzzer, whose
  // re-encoding check caught it) are refused, so every accepted frame is canonical.
  Writer ghost;
  ghost.String("p256-1");
  ghost.String("cn");
  ghost.U8(0);
  ghost.I64(227);
  ghost.U8(0);
  ghost.I64(0);
  EXPECT_EQ(DecodeRequest(Op::kCreateSelfSignedCertificate, ghost.data()).status().code(),
            "enclave_protocol");
}

TEST(WireAnswer, ValuesAndErrorsRoundTrip) {
  keys::KeyInfo key;
  key.handle = "bls-abc";
  key.type = keys::KeyType::kBls;
  key.public_key = Bytes(48, 9);
  key.label = "staking";
  key.created_at = 1700000000;
  key.sign_count = 3;
  key.last_sign_at = 1700000000123;
  auto k = DecodeKeyInfo(EncodeKeyInfo(key));
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->handle, "bls-abc");
  EXPECT_EQ(k->public_key, key.public_key);
  EXPECT_EQ(k->last_sign_at, key.last_sign_at);
  EXPECT_EQ(k->sign_count, 3u);

  EXPECT_TRUE(k->certificate.empty());

  keys::KeyInfo other = key;
  other.type = keys::KeyType::kSecp256k1;
  other.last_sign_at.reset();
  other.certificate = Bytes(500, 0x30);
  auto list = DecodeKeyList(EncodeKeyList({key, other}));
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].type, keys::KeyType::kSecp256k1);
  EXPECT_FALSE((*list)[1].last_sign_at.has_value());
  EXPECT_EQ((*list)[1].certificate, other.certificate);

  keys::TlsRegistration reg{other, {Bytes(400, 0x31), "-----BEGIN CERTIFICATE-----"}};
  auto r = DecodeTlsRegistration(EncodeTlsRegistration(reg));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->key.certificate, other.certificate);
  EXPECT_EQ(r->certificate.der, reg.certificate.der);
  EXPECT_EQ(r->certificate.pem, reg.certificate.pem);

  crypto::EcdsaSignature sig{Bytes(70, 1), Bytes(64, 2)};
  auto s = DecodeEcdsaSignature(EncodeEcdsaSignature(sig));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->der, sig.der);
  EXPECT_EQ(s->compact, sig.compact);

  auto exported = DecodeKeystoreExport(EncodeKeystoreExport({"{\"version\":4}", Bytes(48, 7)}));
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(exported->keystore, "{\"version\":4}");
  EXPECT_EQ(exported->public_key, Bytes(48, 7));

  auto info = DecodeEnclaveInfo(EncodeEnclaveInfo({1, "password_file", "none", 4}));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->seal_source, "password_file");
  EXPECT_EQ(info->key_count, 4u);

  Status err = Status::NotFound("key_not_found", "no key with handle \"x\"");
  auto e = DecodeSignature(EncodeError(err));
  EXPECT_EQ(e.status().category(), StatusCategory::kNotFound);
  EXPECT_EQ(e.status().code(), "key_not_found");
  EXPECT_EQ(e.status().message(), err.message());
}

TEST(WireAnswer, MalformedAnswersAreProtocolErrors) {
  EXPECT_EQ(DecodeSignature(Bytes{}).status().code(), "enclave_protocol");
  EXPECT_EQ(DecodeSignature(Bytes{7}).status().code(), "enclave_protocol");
  Bytes sig = EncodeSignature(Bytes(96, 1));
  sig.push_back(0);
  EXPECT_EQ(DecodeSignature(sig).status().code(), "enclave_protocol");
  // An error with category 0 (ok) or a code that is not snake_case is not believed.
  Writer zero;
  zero.U8(1);
  zero.U8(0);
  zero.String("x");
  zero.String("m");
  EXPECT_EQ(DecodeSignature(zero.data()).status().code(), "enclave_protocol");
  Writer caps;
  caps.U8(1);
  caps.U8(static_cast<uint8_t>(StatusCategory::kInternal));
  caps.String("Not Snake");
  caps.String("m");
  EXPECT_EQ(DecodeSignature(caps.data()).status().code(), "enclave_protocol");
  // A list that claims more keys than its bound.
  Writer many;
  many.U8(0);
  many.U32(kMaxListedKeys + 1);
  EXPECT_EQ(DecodeKeyList(many.data()).status().code(), "enclave_protocol");
}

TEST(WireSession, HelloFirstIncreasingIdsRequestsOnly) {
  ServerSession session;
  EXPECT_EQ(session.Accept(RequestHeader(Op::kList, 1, 0), {}).status().code(),
            "enclave_out_of_order");
  ServerSession s;
  ASSERT_TRUE(s.Accept(RequestHeader(Op::kHello, 5, 0), {}).ok());
  ASSERT_TRUE(s.Accept(RequestHeader(Op::kList, 6, 0), {}).ok());
  EXPECT_EQ(s.Accept(RequestHeader(Op::kList, 6, 0), {}).status().code(), "enclave_out_of_order");
  EXPECT_EQ(s.Accept(RequestHeader(Op::kList, 2, 0), {}).status().code(), "enclave_out_of_order");
  Header response{Kind::kResponse, Op::kList, 9, 0};
  EXPECT_EQ(s.Accept(response, {}).status().code(), "enclave_out_of_order");
  EXPECT_EQ(s.Accept(RequestHeader(Op::kList, 10, 3), {}).status().code(), "enclave_protocol");
  ASSERT_TRUE(s.Accept(RequestHeader(Op::kList, 11, 0), {}).ok());
}

}  // namespace
}  // namespace cryfttee::tee::wire
