//! The generated protobuf types (`rasad.v1`), their proto3 JSON mapping, and the descriptor
//! set that gRPC reflection serves.

#![allow(clippy::all, clippy::pedantic)]

tonic::include_proto!("rasad.v1");
include!(concat!(env!("OUT_DIR"), "/rasad.v1.serde.rs"));

/// Encoded `FileDescriptorSet` of `proto/`, for tonic-reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rasad_descriptor.bin"));
