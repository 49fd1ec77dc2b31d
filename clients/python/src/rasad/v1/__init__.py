"""rasad.v1: event_pb2 (Article, Event...), service_pb2 (requests and responses) and
service_pb2_grpc (RasadServiceStub), generated from proto/rasad/v1 when the package is built."""
