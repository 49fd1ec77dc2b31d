//! Compiles `proto/` with protox (no system protoc), generates the tonic/prost code and the
//! proto3 JSON (serde) impls, and writes the descriptor set that gRPC reflection serves.

use std::{env, fs, path::PathBuf};

use prost::Message;

const PROTOS: &[&str] = &["rasad/v1/event.proto", "rasad/v1/service.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    let fds = protox::compile(PROTOS, ["proto"])?;
    let descriptor_path = out_dir.join("rasad_descriptor.bin");
    fs::write(&descriptor_path, fds.encode_to_vec())?;

    // Default stubs: Subscribe is served by `service::subscribe_route` with pre-encoded updates.
    tonic_prost_build::configure().generate_default_stubs(true).compile_fds(fds)?;

    let descriptors = fs::read(&descriptor_path)?;
    pbjson_build::Builder::new().register_descriptors(&descriptors)?.build(&[".rasad"])?;
    Ok(())
}
