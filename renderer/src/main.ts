import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { connect } from './lib/connect.ts';

const { client, http } = connect();
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target, props: { client, http } });
