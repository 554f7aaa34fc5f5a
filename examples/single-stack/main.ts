import { buildApp } from "./app";

buildApp().synth();
