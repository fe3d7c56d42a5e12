export default function Home() {
  return <main>shop</main>;
}
